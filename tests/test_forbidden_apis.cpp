// Forbids, in sim/ and models/, the APIs that would make a run depend on anything but (scenario, seed): real
// clocks, hidden or OS-seeded randomness, the standard library's distributions, threads, the environment, and
// unordered containers (whose iteration order varies between standard libraries and with insertion history).
// Follows FoundationDB's and TigerBeetle's practice of enforcing simulation determinism mechanically rather than
// by review; see "Determinism rules" in DESIGN.md.
//
// It is a line-oriented text scan, not a parser: comments are skipped (lines starting with //, trailing //
// comments, /* */ blocks), identifiers must start at a word boundary (so `operand(` is not `rand(`), and string
// literals are scanned like code (a string that names a forbidden API in sim/ deserves a second look anyway).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#ifndef MRSIM_SOURCE_DIR
#error "MRSIM_SOURCE_DIR must name the source tree (the CMake build defines it)"
#endif

namespace fs = std::filesystem;

namespace {

struct ForbiddenApi {
  std::string_view text;  // matched literally, starting at a word boundary
  std::string_view why;
};

constexpr ForbiddenApi kForbiddenApis[] = {
    {"std::random_device", "seeds from the OS; draw from a RandomStream (sim/random.h)"},
    {"rand(", "hidden global state and an implementation-defined sequence; use a RandomStream"},
    {"srand(", "hidden global state; use a RandomStream"},
    {"time(nullptr)", "reads the wall clock; use simulated time or a node's LocalClock"},
    {"time(NULL)", "reads the wall clock; use simulated time or a node's LocalClock"},
    {"time(0)", "reads the wall clock; use simulated time or a node's LocalClock"},
    {"system_clock", "reads the wall clock; use simulated time or a node's LocalClock"},
    {"steady_clock", "reads a real clock; use simulated time"},
    {"high_resolution_clock", "reads a real clock; use simulated time"},
    {"gettimeofday(", "reads the wall clock; use simulated time or a node's LocalClock"},
    {"clock_gettime(", "reads a real clock; use simulated time"},
    {"getrusage(", "measures real resource use, which differs run to run"},
    {"std::thread", "real threads interleave nondeterministically; SimGrid actors are the concurrency"},
    {"std::this_thread", "real threads interleave nondeterministically; SimGrid actors are the concurrency"},
    {"std::async", "real threads interleave nondeterministically; SimGrid actors are the concurrency"},
    {"getenv(", "makes a run depend on the environment; put the setting in the scenario"},
};

// No exemptions: the command line (cli/main.cpp), which times the benchmark and reads peak memory, lives outside
// sim/ and models/, so every file scanned here is simulation code.

// An unordered container is fine when it is only looked up, never iterated; a file that includes one says so on
// the include line, where a reviewer sees the promise next to the risk.
constexpr std::string_view kUnorderedPromise = "// determinism: unordered container not iterated";

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Finds `needle` in `code` starting at a word boundary (the character before it is not part of an identifier).
bool contains_at_word_boundary(std::string_view code, std::string_view needle) {
  for (size_t pos = code.find(needle); pos != std::string_view::npos; pos = code.find(needle, pos + 1)) {
    if (pos == 0 || !is_identifier_char(code[pos - 1])) return true;
  }
  return false;
}

// Returns the code on `line` with comments blanked. `in_block_comment` carries a /* ... */ across lines. String and
// character literals are tracked only so that a "//" or "/*" inside one is not taken for a comment.
std::string strip_comments(std::string_view line, bool& in_block_comment) {
  std::string code;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const char next = i + 1 < line.size() ? line[i + 1] : '\0';
    if (in_block_comment) {
      if (c == '*' && next == '/') {
        in_block_comment = false;
        ++i;
      }
      continue;
    }
    if (quote) {
      code += c;
      if (c == '\\' && next) {
        code += next;
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '/' && next == '/') break;
    if (c == '/' && next == '*') {
      in_block_comment = true;
      code += ' ';
      ++i;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    code += c;
  }
  return code;
}

// Every forbidden use in one file's text, as "path:line: `api` — why: source line".
std::vector<std::string> find_violations(const std::string& relative_path, const std::string& text) {
  static const std::regex std_distribution(R"((^|[^\w])std::\w+_distribution\b)");
  static const std::regex unordered_include(R"(^\s*#\s*include\s*<unordered_)");
  std::vector<std::string> violations;
  auto report = [&](int line_number, std::string_view api, std::string_view why, const std::string& line) {
    std::ostringstream out;
    out << relative_path << ":" << line_number << ": `" << api << "` — " << why << ": " << line;
    violations.push_back(out.str());
  };

  std::istringstream in(text);
  std::string line;
  bool in_block_comment = false;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    const std::string code = strip_comments(line, in_block_comment);
    for (const ForbiddenApi& api : kForbiddenApis) {
      if (!contains_at_word_boundary(code, api.text)) continue;
      report(line_number, api.text, api.why, line);
    }
    if (std::regex_search(code, std_distribution)) {
      report(line_number, "std::*_distribution", "output differs between standard libraries; use sim/random.h", line);
    }
    if (std::regex_search(code, unordered_include) && line.find(kUnorderedPromise) == std::string::npos) {
      report(line_number, "#include <unordered_...>",
             "iteration order is unspecified; use std::map/std::set, or add the comment `" +
                 std::string(kUnorderedPromise) + "` on the include line if it is never iterated",
             line);
    }
  }
  return violations;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("sim/ and models/ use no API that breaks determinism", "[unit]") {
  const fs::path root = MRSIM_SOURCE_DIR;
  REQUIRE(fs::is_directory(root / "sim"));

  // Sorted, so the report lists violations in the same order on every machine.
  std::vector<fs::path> files;
  for (const char* dir : {"sim", "models"}) {
    if (!fs::is_directory(root / dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  // Guards against a scan that passes because it looked in the wrong place.
  REQUIRE(std::find(files.begin(), files.end(), root / "sim" / "random.cpp") != files.end());

  std::vector<std::string> violations;
  for (const fs::path& file : files) {
    const auto found = find_violations(file.lexically_relative(root).generic_string(), read_file(file));
    violations.insert(violations.end(), found.begin(), found.end());
  }
  INFO("scanned " << files.size() << " files under sim/ and models/; forbidden uses:\n" << join_lines(violations));
  CHECK(violations.empty());
}

TEST_CASE("the forbidden-API scan catches each forbidden use", "[unit]") {
  const std::string snippet = GENERATE(
      as<std::string>{}, "  std::random_device rd;", "  int x = rand();", "  std::srand(42);",
      "  auto t = time(nullptr);", "  auto t = std::time(NULL);", "  auto now = std::chrono::system_clock::now();",
      "  auto now = std::chrono::steady_clock::now();", "  using C = std::chrono::high_resolution_clock;",
      "  std::thread worker(run);", "  const char* home = std::getenv(\"HOME\");",
      "  std::uniform_int_distribution<int> pick(0, 9);", "  std::exponential_distribution<> gap(2.0);",
      "#include <unordered_map>", "  #  include <unordered_set>", "  getrusage(RUSAGE_SELF, &usage);");
  INFO(snippet);
  CHECK(find_violations("models/example.cpp", snippet + "\n").size() == 1);
}

TEST_CASE("the forbidden-API scan ignores comments and look-alike identifiers", "[unit]") {
  const std::string text =
      "// rand() and std::random_device are forbidden here\n"
      "   // so is steady_clock\n"
      "int x = operand(3);  // not rand(\n"
      "double t = stream.uniform01(); /* no std::uniform_real_distribution */ int y = 0;\n"
      "/* a block comment\n"
      "   mentioning std::thread and getenv(\n"
      "*/\n"
      "const char* url = \"http://example.com\"; int z = my_getenv(1);\n"
      "#include <map>\n";
  CHECK(find_violations("sim/example.cpp", text).empty());
}

TEST_CASE("an unordered include is allowed only with the not-iterated promise on its line", "[unit]") {
  CHECK(find_violations("sim/a.h", "#include <unordered_map>  " + std::string(kUnorderedPromise) + "\n").empty());
  CHECK(find_violations("sim/a.h", "#include <unordered_map>  // lookups only\n").size() == 1);
  CHECK(find_violations("sim/a.h", std::string(kUnorderedPromise) + "\n#include <unordered_map>\n").size() == 1);
}

TEST_CASE("no file in sim/ or models/ may time the run or read resource use, not even a main", "[unit]") {
  const std::string timing = "auto start = std::chrono::steady_clock::now();\ngetrusage(RUSAGE_SELF, &usage);\n";
  CHECK(find_violations("sim/main.cpp", timing).size() == 2);
  CHECK(find_violations("sim/runner.cpp", timing).size() == 2);
  CHECK(find_violations("models/main.cpp", timing).size() == 2);
  CHECK(find_violations("sim/main.cpp", "auto now = std::chrono::system_clock::now();\n").size() == 1);
  CHECK(find_violations("sim/main.cpp", "srand(1);\n").size() == 1);
}

TEST_CASE("a violation names the file and line", "[unit]") {
  const auto violations = find_violations("models/dns.cpp", "int a = 0;\nint b = 1;\nint c = rand();\n");
  REQUIRE(violations.size() == 1);
  CHECK_THAT(violations[0], Catch::Matchers::StartsWith("models/dns.cpp:3: `rand(`"));
}
