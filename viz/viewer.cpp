// mrsim-viewer: a failover's story on one time axis (docs/viewer.md). Lanes of node roles and checker verdicts,
// controller decisions and DNS changes as ticks, fault intervals as bands across every chart, split-brain spans
// marked; below, charts of client success ratio and p99 latency per region, replication lag, stale reads and clock
// offsets. Every chart shares the time axis: wheel to zoom, drag to pan, + / - / 0 on the keyboard, a click on a
// fault in the side panel zooms to it. Two traces side by side (--compare B.json) share one axis.
// --screenshot OUT.png renders without a display (QT_QPA_PLATFORM=offscreen is set when no display is given) and
// exits. Bad input is one message and exit code 2, or a dialog in the GUI.
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLegendMarker>
#include <QAreaSeries>
#include <QLineSeries>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QScrollArea>
#include <QSplitter>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "viz/trace_model.h"

using namespace mrsim::viz;

namespace {

constexpr int kExitBadInput = 2;
constexpr size_t kMaxBuckets = 1500;  // min/max per bucket: about one bucket per pixel of a wide chart
constexpr int kPlotLeft = 190;        // where the time axis starts, in lanes and charts alike

const char* const kUsage =
    "usage: mrsim-viewer TRACE.json [--report R.json] [--history H.jsonl] [--compare B.json [--report-b R.json]]\n"
    "                    [--screenshot OUT.png [--size WxH] [--range FROM..TO]] [--timing]\n";

QColor role_color(const std::string& role) {
  if (role == "primary") return QColor(46, 139, 87);
  if (role == "replica") return QColor(100, 149, 237);
  if (role == "recovering") return QColor(255, 165, 0);
  if (role == "down") return QColor(178, 34, 34);
  if (role == "healthy") return QColor(60, 179, 113);
  if (role == "unhealthy") return QColor(220, 20, 60);
  if (role == "firing") return QColor(199, 21, 133);  // an alert
  return QColor(128, 128, 128);
}

// The shared time axis: every view draws [from, to) and tells the others when it changes.
class TimeAxis : public QObject {
  Q_OBJECT
 public:
  TimeAxis(double from, double to) : full_from_(from), full_to_(to), from_(from), to_(to) {}
  double from() const { return from_; }
  double to() const { return to_; }
  void set(double from, double to) {
    const double min_width = 1.0;
    if (to - from < min_width) {
      const double mid = (from + to) / 2;
      from = mid - min_width / 2, to = mid + min_width / 2;
    }
    from_ = std::max(from, full_from_ - (to - from));
    to_ = std::min(to, full_to_ + (to - from));
    emit changed();
  }
  void zoom(double factor, double around) { set(around - (around - from_) * factor, around + (to_ - around) * factor); }
  void pan(double by) { set(from_ + by, to_ + by); }
  void reset() { set(full_from_, full_to_); }
 signals:
  void changed();

 private:
  double full_from_, full_to_, from_, to_;
};

// Lanes: node roles, checker verdicts, decision and DNS ticks, fault bands, split brain.
class LanesView : public QWidget {
 public:
  LanesView(const TraceModel& m, TimeAxis& axis) : m_(m), axis_(axis) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumHeight(height_needed());
    connect(&axis_, &TimeAxis::changed, this, qOverload<>(&QWidget::update));
  }
  int height_needed() const {
    return kTop + int(m_.nodes.size() + m_.checkers.size() + m_.alerts.size() + 1) * kLane + 30;
  }

 protected:
  static constexpr int kLeft = kPlotLeft, kTop = 22, kLane = 22;
  double x_of(double t) const { return kLeft + (t - axis_.from()) / (axis_.to() - axis_.from()) * (width() - kLeft - 10); }
  double t_of(double x) const { return axis_.from() + (x - kLeft) / (width() - kLeft - 10) * (axis_.to() - axis_.from()); }

  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    p.setPen(Qt::black);
    p.drawText(4, 15, QString::fromStdString(m_.scenario + "  (" + m_.topology + ")"));
    // Legend of the lane colours, the fault band and the split-brain hatch.
    double lx = kLeft + 260;
    for (const char* label : {"primary", "replica", "recovering", "down", "healthy", "unhealthy", "firing"}) {
      p.fillRect(QRectF(lx, 5, 10, 10), role_color(label));
      p.drawText(QPointF(lx + 13, 15), label);
      lx += 20 + p.fontMetrics().horizontalAdvance(label);
    }
    p.fillRect(QRectF(lx, 5, 10, 10), QColor(255, 200, 200));
    p.drawText(QPointF(lx + 13, 15), "fault");
    lx += 20 + p.fontMetrics().horizontalAdvance("fault");
    p.fillRect(QRectF(lx, 5, 10, 10), QBrush(QColor(200, 0, 0), Qt::BDiagPattern));
    p.drawText(QPointF(lx + 13, 15), "split brain");
    for (const FaultInfo& f : m_.faults) {  // fault bands across the lanes
      const double x0 = x_of(f.start), x1 = x_of(f.end.value_or(m_.duration));
      p.fillRect(QRectF(x0, kTop, std::max(1.0, x1 - x0), height() - kTop), QColor(255, 200, 200, 90));
    }
    int row = 0;
    auto draw_lane = [&](const Lane& lane) {
      const int y = kTop + row * kLane;
      p.setPen(Qt::black);
      // Long names (an alert's rule and label) are elided in the middle; the tooltip gives them whole.
      p.drawText(QRect(2, y, kLeft - 6, kLane), Qt::AlignRight | Qt::AlignVCenter,
                 p.fontMetrics().elidedText(QString::fromStdString(lane.name), Qt::ElideMiddle, kLeft - 8));
      for (const Span& s : lane.spans) {
        const double x0 = std::max<double>(kLeft, x_of(s.start)), x1 = std::min<double>(width() - 10, x_of(s.end));
        if (x1 <= x0) continue;
        p.fillRect(QRectF(x0, y + 3, x1 - x0, kLane - 6), role_color(s.label));
        if (x1 - x0 > 60) {
          p.setPen(Qt::white);
          p.drawText(QRectF(x0 + 3, y + 3, x1 - x0 - 3, kLane - 6), Qt::AlignVCenter, QString::fromStdString(s.label));
        }
      }
      ++row;
    };
    for (const Lane& l : m_.nodes) draw_lane(l);
    for (const Lane& l : m_.checkers) draw_lane(l);
    for (const Lane& l : m_.alerts) draw_lane(l);  // alerts: a lane per rule and series, firing intervals
    const int y = kTop + row * kLane;  // control plane: decision and DNS ticks
    p.setPen(Qt::black);
    p.drawText(QRect(2, y, kLeft - 6, kLane), Qt::AlignRight | Qt::AlignVCenter, "decisions / DNS");
    for (const Instant& i : m_.instants) {
      const double x = x_of(i.t);
      if (x < kLeft || x > width() - 10) continue;
      p.setPen(QPen(i.kind == "dns" ? QColor(75, 0, 130) : QColor(0, 0, 0), 2));
      p.drawLine(QPointF(x, y + 3), QPointF(x, y + kLane - 3));
    }
    for (const Span& s : m_.split_brain) {  // split brain: a hatched red mark over the node lanes
      const double x0 = x_of(s.start), x1 = x_of(s.end);
      p.fillRect(QRectF(x0, kTop, std::max(2.0, x1 - x0), int(m_.nodes.size()) * kLane),
                 QBrush(QColor(200, 0, 0, 120), Qt::BDiagPattern));
    }
    p.setPen(Qt::gray);  // time ticks
    const double span = axis_.to() - axis_.from();
    const double step = std::pow(10.0, std::floor(std::log10(span / 5)));
    for (double t = std::ceil(axis_.from() / step) * step; t < axis_.to(); t += step) {
      const double x = x_of(t);
      p.drawLine(QPointF(x, height() - 22), QPointF(x, height() - 16));
      p.drawText(QPointF(x + 2, height() - 4), QString::number(t, 'g', 6) + " s");
    }
  }
  void wheelEvent(QWheelEvent* e) override {
    axis_.zoom(e->angleDelta().y() > 0 ? 0.8 : 1.25, t_of(e->position().x()));
  }
  void mousePressEvent(QMouseEvent* e) override { drag_ = e->position().x(); }
  void mouseMoveEvent(QMouseEvent* e) override {
    if (e->buttons() & Qt::LeftButton) {
      axis_.pan(t_of(drag_) - t_of(e->position().x()));
      drag_ = e->position().x();
      return;
    }
    const double t = t_of(e->position().x());
    const int row = int((e->position().y() - kTop) / kLane);
    std::string tip;
    const std::vector<Lane>* lanes[] = {&m_.nodes, &m_.checkers, &m_.alerts};
    int r = row;
    for (const auto* group : lanes) {
      if (r >= 0 && r < int(group->size())) {
        for (const Span& s : (*group)[size_t(r)].spans)
          if (t >= s.start && t < s.end)
            tip = (*group)[size_t(r)].name + ": " + s.detail + "\n" + std::to_string(s.start) + " .. " + std::to_string(s.end) + " s";
        break;
      }
      r -= int(group->size());
    }
    if (tip.empty())
      for (const Instant& i : m_.instants)
        if (std::abs(x_of(i.t) - e->position().x()) < 3) tip += std::to_string(i.t) + " s: " + i.label + "\n";
    if (!tip.empty()) QToolTip::showText(e->globalPosition().toPoint(), QString::fromStdString(tip), this);
    else QToolTip::hideText();
  }

 private:
  const TraceModel& m_;
  TimeAxis& axis_;
  double drag_ = 0;
};

// A chart of series over the shared axis, downsampled to min/max per bucket of the visible range.
class SeriesChart : public QChartView {
 public:
  SeriesChart(const TraceModel& m, TimeAxis& axis, const std::string& title, std::vector<const Series*> series,
              std::optional<std::pair<double, double>> y_range = std::nullopt)
      : m_(m), axis_(axis), series_(std::move(series)), y_range_(y_range) {
    auto* chart = new QChart();
    chart->setTitle(QString::fromStdString(title));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(0, 0, 0, 0));
    x_ = new QValueAxis();
    y_ = new QValueAxis();
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    for (const FaultInfo& f : m_.faults) {  // fault bands: a shaded area from the bottom to the top of the chart
      auto* upper = new QLineSeries();
      auto* lower = new QLineSeries();
      auto* band = new QAreaSeries(upper, lower);
      band->setName("fault");
      band->setBrush(QColor(255, 120, 120, 60));
      band->setPen(Qt::NoPen);
      bands_.push_back({upper, lower, f.start, f.end.value_or(m_.duration)});
      chart->addSeries(band);
      band->attachAxis(x_);
      band->attachAxis(y_);
    }
    for (const Series* s : series_) {
      auto* line = new QLineSeries();
      line->setName(QString::fromStdString(s->name));
      chart->addSeries(line);
      line->attachAxis(x_);
      line->attachAxis(y_);
      connect(line, &QLineSeries::hovered, this, [this, line](const QPointF& p, bool state) {
        if (state)
          QToolTip::showText(QCursor::pos(), line->name() + QString(": %1 at %2 s").arg(p.y()).arg(p.x(), 0, 'f', 1), this);
      });
      lines_.push_back(line);
    }
    for (QLegendMarker* marker : chart->legend()->markers())
      if (marker->label() == "fault") marker->setVisible(false);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
    connect(&axis_, &TimeAxis::changed, this, [this] { refresh(); });
    refresh();
  }
  bool empty() const { return series_.empty(); }

 protected:
  // The plot area spans the same pixels as the lanes above (LanesView's left column and right margin), so one time
  // is one x across the whole column.
  void resizeEvent(QResizeEvent* e) override {
    QChartView::resizeEvent(e);
    chart()->setPlotArea(QRectF(kPlotLeft, 28, std::max(50, width() - kPlotLeft - 10), std::max(40, height() - 80)));
  }
  void wheelEvent(QWheelEvent* e) override {
    const QPointF v = chart()->mapToValue(e->position());
    axis_.zoom(e->angleDelta().y() > 0 ? 0.8 : 1.25, v.x());
  }
  void mousePressEvent(QMouseEvent* e) override { drag_ = chart()->mapToValue(e->position()).x(); }
  void mouseMoveEvent(QMouseEvent* e) override {
    if (e->buttons() & Qt::LeftButton) axis_.pan(drag_ - chart()->mapToValue(e->position()).x());
    QChartView::mouseMoveEvent(e);
  }

 private:
  void refresh() {
    double lo = 0, hi = 1;
    bool first = true;
    for (size_t i = 0; i < series_.size(); ++i) {
      QList<QPointF> points;
      for (const auto& [t, v] : min_max_points(m_.t, series_[i]->values, axis_.from(), axis_.to(), kMaxBuckets)) {
        points.append(QPointF(t, v));
        if (first || v < lo) lo = v;
        if (first || v > hi) hi = v;
        first = false;
      }
      lines_[i]->replace(points);
    }
    if (y_range_) lo = y_range_->first, hi = y_range_->second;
    if (hi <= lo) hi = lo + 1;
    y_->setRange(lo, hi + (hi - lo) * 0.05);
    x_->setRange(axis_.from(), axis_.to());
    for (auto& b : bands_) {
      b.upper->replace(QList<QPointF>{{b.from, hi * 1.05}, {b.to, hi * 1.05}});
      b.lower->replace(QList<QPointF>{{b.from, lo}, {b.to, lo}});
    }
  }
  struct Band {
    QLineSeries *upper, *lower;
    double from, to;
  };
  const TraceModel& m_;
  TimeAxis& axis_;
  std::vector<const Series*> series_;
  std::optional<std::pair<double, double>> y_range_;
  QValueAxis *x_ = nullptr, *y_ = nullptr;
  std::vector<QLineSeries*> lines_;
  std::vector<Band> bands_;
  double drag_ = 0;
};

// One trace's column: lanes and charts.
QWidget* column(const TraceModel& m, TimeAxis& axis) {
  auto* w = new QWidget();
  auto* layout = new QVBoxLayout(w);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(new LanesView(m, axis));
  auto pointers = [](const std::vector<Series>& v) {
    std::vector<const Series*> out;
    for (const Series& s : v) out.push_back(&s);
    return out;
  };
  std::vector<SeriesChart*> charts = {
      new SeriesChart(m, axis, "client success ratio", pointers(m.success_ratio), std::make_pair(0.0, 1.0)),
      new SeriesChart(m, axis, "client p99 latency (s)", pointers(m.latency_p99)),
      new SeriesChart(m, axis, "replication lag (s)", pointers(m.lag)),
      new SeriesChart(m, axis, "stale reads per interval", {&m.stale_reads}),
  };
  if (!m.clock_offsets.empty()) charts.push_back(new SeriesChart(m, axis, "clock offsets (s)", pointers(m.clock_offsets)));
  for (SeriesChart* c : charts) {
    if (c->empty()) delete c;
    else layout->addWidget(c);
  }
  return w;
}

std::string opt(const std::optional<double>& v) { return v ? std::to_string(*v).substr(0, std::to_string(*v).find('.') + 2) : "-"; }

class Window : public QWidget {
 public:
  Window(const std::vector<TraceModel>& models, double from, double to) : axis_(from, to) {
    auto* outer = new QHBoxLayout(this);
    auto* faults = new QListWidget();
    faults->setMaximumWidth(320);
    faults->setWordWrap(true);
    for (size_t k = 0; k < models.size(); ++k)
      for (const FaultInfo& f : models[k].faults) {
        std::string text = (models.size() > 1 ? std::string(k == 0 ? "A " : "B ") : "") + "fault " +
                           std::to_string(f.index) + ": " + f.kind + " " + f.description + "\n  RTO " + opt(f.rto) +
                           " s: detect " + opt(f.detection) + ", decide " + opt(f.decision) + ", promote " +
                           opt(f.promotion) + ", route " + opt(f.routing) + "; client p99 " + opt(f.client_p99);
        auto* item = new QListWidgetItem(QString::fromStdString(text));
        item->setData(Qt::UserRole, f.start);
        item->setData(Qt::UserRole + 1, f.end.value_or(models[k].duration));
        faults->addItem(item);
      }
    connect(faults, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
      const double a = item->data(Qt::UserRole).toDouble(), b = item->data(Qt::UserRole + 1).toDouble();
      const double pad = std::max(30.0, (b - a) * 0.3);
      axis_.set(a - pad, b + pad * 2);
    });
    auto* columns = new QWidget();
    auto* row = new QHBoxLayout(columns);
    for (const TraceModel& m : models) row->addWidget(column(m, axis_));
    auto* scroll = new QScrollArea();
    scroll->setWidget(columns);
    scroll->setWidgetResizable(true);
    outer->addWidget(faults);
    outer->addWidget(scroll, 1);
    setFocusPolicy(Qt::StrongFocus);
  }
  TimeAxis& axis() { return axis_; }

 protected:
  void keyPressEvent(QKeyEvent* e) override {
    const double mid = (axis_.from() + axis_.to()) / 2;
    if (e->key() == Qt::Key_Plus || e->key() == Qt::Key_Equal) axis_.zoom(0.8, mid);
    else if (e->key() == Qt::Key_Minus) axis_.zoom(1.25, mid);
    else if (e->key() == Qt::Key_0 || e->key() == Qt::Key_R) axis_.reset();
    else if (e->key() == Qt::Key_Left) axis_.pan(-(axis_.to() - axis_.from()) * 0.2);
    else if (e->key() == Qt::Key_Right) axis_.pan((axis_.to() - axis_.from()) * 0.2);
    else QWidget::keyPressEvent(e);
  }

 private:
  TimeAxis axis_;
};

[[noreturn]] void bad(const std::string& message, bool gui) {
  if (gui) QMessageBox::critical(nullptr, "mrsim-viewer", QString::fromStdString(message));
  std::cerr << "mrsim-viewer: " << message << '\n';
  std::exit(kExitBadInput);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string trace, report, history, compare, report_b, screenshot, range;
  int width = 1600, height = 1000;
  bool timing = false;
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&](const char* flag) {
      if (i + 1 >= args.size()) {
        std::cerr << "mrsim-viewer: " << flag << " needs a value\n" << kUsage;
        std::exit(kExitBadInput);
      }
      return args[++i];
    };
    const std::string& a = args[i];
    if (a == "--report") report = value("--report");
    else if (a == "--history") history = value("--history");
    else if (a == "--compare") compare = value("--compare");
    else if (a == "--report-b") report_b = value("--report-b");
    else if (a == "--screenshot") screenshot = value("--screenshot");
    else if (a == "--range") range = value("--range");
    else if (a == "--timing") timing = true;
    else if (a == "--size") {
      const std::string s = value("--size");
      if (std::sscanf(s.c_str(), "%dx%d", &width, &height) != 2 || width < 200 || height < 200 || width > 10000 ||
          height > 10000) {
        std::cerr << "mrsim-viewer: --size: expected WxH from 200x200 to 10000x10000, found \"" << s << "\"\n";
        return kExitBadInput;
      }
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] != '-' && trace.empty()) trace = a;
    else {
      std::cerr << "mrsim-viewer: unexpected argument \"" << a << "\"\n" << kUsage;
      return kExitBadInput;
    }
  }
  if (trace.empty()) {
    std::cerr << kUsage;
    return kExitBadInput;
  }
  const bool headless = !screenshot.empty();
  if (headless && !std::getenv("DISPLAY") && !std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QApplication app(argc, argv);
  QElapsedTimer clock;
  clock.start();
  std::vector<TraceModel> models;
  try {
    models.push_back(load_trace(trace));
    if (!report.empty()) attach_report(models[0], report);
    if (!history.empty()) attach_history(models[0], history);
    if (!compare.empty()) {
      models.push_back(load_trace(compare));
      if (!report_b.empty()) attach_report(models[1], report_b);
    }
  } catch (const TraceError& e) {
    bad(e.what(), !headless);
  }
  double from = 0, to = models[0].duration;
  for (const TraceModel& m : models) to = std::max(to, m.duration);
  if (!range.empty()) {
    double a = 0, b = 0;
    const size_t dots = range.find("..");
    char* end_a = nullptr;
    char* end_b = nullptr;
    if (dots != std::string::npos) {
      const std::string first = range.substr(0, dots), second = range.substr(dots + 2);
      a = std::strtod(first.c_str(), &end_a);
      b = std::strtod(second.c_str(), &end_b);
      if (*end_a || *end_b || first.empty() || second.empty()) b = a;  // not numbers: refused below
    }
    if (dots == std::string::npos || !(b > a))
      bad("--range: expected FROM..TO in seconds with FROM < TO, found \"" + range + "\"", false);
    from = a, to = b;
  }
  const double loaded_ms = double(clock.elapsed());
  Window window(models, 0, std::max(to, models[0].duration));
  window.axis().set(from, to);
  window.setWindowTitle(QString::fromStdString("mrsim-viewer: " + trace + (compare.empty() ? "" : " | " + compare)));
  window.resize(width, height);
  if (headless) {
    window.show();  // a real window under a display (xvfb-run), an offscreen one otherwise
    app.processEvents();
    const QImage image = window.grab().toImage().scaled(width, height);
    if (timing)
      std::printf("loaded in %.0f ms, drawn in %.0f ms\n", loaded_ms, double(clock.elapsed()) - loaded_ms);
    if (!image.save(QString::fromStdString(screenshot))) {
      std::cerr << "mrsim-viewer: " << screenshot << ": cannot write the screenshot\n";
      return kExitBadInput;
    }
    return 0;
  }
  window.show();
  if (timing) std::printf("loaded in %.0f ms, first frame in %.0f ms\n", loaded_ms, double(clock.elapsed()) - loaded_ms);
  return app.exec();
}

#include "viewer.moc"
