#include "cli/check_outputs.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/headlines.h"
#include "cli/output_files.h"
#include "sim/scenario_loader.h"

namespace mrsim {

using Json = nlohmann::ordered_json;

namespace {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void write_file(const std::string& path, const std::string& text) {
  OutputFiles files;
  auto out = files.open(path);
  out << text;
  out.close();
  if (!out) throw InputError(path + ": cannot write");
  files.commit();
}

}  // namespace

void write_junit(const std::string& path, const std::vector<CheckedScenario>& scenarios) {
  size_t tests = 0, failures = 0, errors = 0;
  std::ostringstream body;
  for (const CheckedScenario& s : scenarios) {
    size_t f = 0;
    for (const auto& r : s.results) f += !r.held;
    const size_t cases = s.error.empty() ? s.results.size() : 1;
    tests += cases;
    failures += s.error.empty() ? f : 0;
    errors += s.error.empty() ? 0 : 1;
    body << "  <testsuite name=\"" << xml_escape(s.path) << "\" tests=\"" << cases << "\" failures=\""
         << (s.error.empty() ? f : 0) << "\" errors=\"" << (s.error.empty() ? 0 : 1) << "\" time=\""
         << number(s.wall_s) << "\">\n";
    if (!s.error.empty()) {
      body << "    <testcase classname=\"" << xml_escape(s.name) << "\" name=\"run\">\n      <error message=\""
           << xml_escape(s.error) << "\"/>\n    </testcase>\n";
    }
    for (const auto& r : s.error.empty() ? s.results : std::vector<ExpectationResult>{}) {
      body << "    <testcase classname=\"" << xml_escape(s.name) << "\" name=\""
           << xml_escape(r.expectation.metric + " " + r.expectation.text) << "\"";
      if (r.held) {
        body << "/>\n";
        continue;
      }
      const std::string actual = r.found ? number(r.actual) : "undefined";
      body << ">\n      <failure message=\"" << xml_escape(r.expectation.metric + " is " + actual + ", expected " +
                                                        r.expectation.text)
           << "\">" << xml_escape("replay: " + s.report.value("replay", std::string())) << "</failure>\n"
           << "    </testcase>\n";
    }
    body << "  </testsuite>\n";
  }
  std::ostringstream xml;
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mrsim check\" tests=\"" << tests
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\">\n"
      << body.str() << "</testsuites>\n";
  write_file(path, xml.str());
}

void write_baseline(const std::string& path, const std::vector<CheckedScenario>& scenarios, double tolerance) {
  Json j;
  j["format"] = "mrsim-baseline-1";
  j["tolerance"] = tolerance;
  j["scenarios"] = Json::object();
  for (const CheckedScenario& s : scenarios) {
    Json metrics = Json::object();
    for (const Headline& h : kHeadlines) {
      const auto v = s.report.is_null() ? std::nullopt : metric_value(h.metric, s.report);
      metrics[h.metric] = v ? Json(*v) : Json();
    }
    j["scenarios"][s.path] = {{"scenario_hash", s.report.value("scenario_hash", "")}, {"metrics", metrics}};
  }
  write_file(path, j.dump(1) + "\n");
}

size_t compare_baseline(const std::string& path, const std::vector<CheckedScenario>& scenarios, std::ostream& out) {
  Json base;
  {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot read the baseline (record one with --update-baseline)");
    try {
      base = Json::parse(in);
    } catch (const std::exception&) {
      throw InputError(path + ": expected a baseline written by mrsim check --update-baseline, found unreadable JSON");
    }
  }
  if (base.value("format", "") != "mrsim-baseline-1" || !base.contains("scenarios"))
    throw InputError(path + ": expected a baseline written by mrsim check --update-baseline");
  const double tolerance = base.value("tolerance", 0.1);
  size_t regressions = 0;
  out << "\nbaseline " << path << " (tolerance " << number(100 * tolerance) << " %)\n";
  for (const CheckedScenario& s : scenarios) {
    if (!base["scenarios"].contains(s.path))
      throw InputError(path + ": has no baseline for " + s.path + " (record one with --update-baseline)");
    const Json& recorded = base["scenarios"][s.path]["metrics"];
    for (const Headline& h : kHeadlines) {
      if (!recorded.contains(h.metric) || recorded[h.metric].is_null()) continue;  // nothing to regress from
      const double old_value = recorded[h.metric].get<double>();
      const auto now = s.report.is_null() ? std::nullopt : metric_value(h.metric, s.report);
      const double value = now.value_or(std::nan(""));
      bool regressed = !now;
      if (now) {
        const double worse_by = h.higher_is_better ? old_value - value : value - old_value;
        regressed = worse_by > tolerance * std::abs(old_value);
      }
      regressions += regressed;
      out << (regressed ? "  REGRESSED " : "  ok        ") << s.path << ' ' << h.metric << ": " << number(old_value)
          << " -> " << (now ? number(value) : std::string("undefined")) << '\n';
    }
  }
  return regressions;
}

}  // namespace mrsim
