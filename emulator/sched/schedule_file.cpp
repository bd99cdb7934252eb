#include "sched/schedule_file.h"

#include <charconv>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

namespace chemu {

namespace {

constexpr std::string_view kMagic = "chemu-schedule v2";

// A whole token as an unsigned number (no sign, nothing after it), or nothing.
std::optional<uint64_t> parse_number(std::string_view token, int base = 10) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v, base);
  if (token.empty() || ec != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return v;
}

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  return tokens;
}

ScheduleHeader parse_header(const std::string& line) {
  const auto bad = [] { return ScheduleMismatch(fmt::format("not a chemu schedule: the first line is not '{} image=... input=... seed=... boot=... entry-el=...'", kMagic)); };
  if (line.rfind(kMagic, 0) != 0) throw bad();
  std::map<std::string, std::string> fields;
  for (const std::string& t : split(line.substr(kMagic.size()))) {
    const size_t eq = t.find('=');
    if (eq == std::string::npos) throw bad();
    fields[t.substr(0, eq)] = t.substr(eq + 1);
  }
  const std::optional<uint64_t> image = parse_number(fields["image"], 16), input = parse_number(fields["input"], 16),
                                seed = parse_number(fields["seed"]), el = parse_number(fields["entry-el"]);
  const std::string& boot = fields["boot"];
  if (fields.size() != 5 || !image || !input || !seed || !el || *el > 3 || (boot != "auto" && boot != "spin-table" && boot != "all"))
    throw bad();
  return {*image, *input, *seed, boot, int(*el)};
}

ScheduleEntry parse_slice(const std::string& line, int n) {
  const std::vector<std::string> t = split(line);
  std::optional<uint64_t> core, start, count;
  const std::string end = t.size() == 4 ? t[3] : "r";
  if (t.size() == 3 || t.size() == 4) core = parse_number(t[0]), start = parse_number(t[1]), count = parse_number(t[2]);
  if (!core || !start || !count || *core >= uint64_t(kNumCores) || (end != "w" && end != "s" && end != "r"))
    throw ScheduleMismatch(fmt::format("schedule line {} is not 'core start_cycle instructions [w|s|r]' (core 0-3)", n));
  return {int(*core), *start, *count, end == "w", end == "s"};
}

}  // namespace

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string format_schedule(const Schedule& s) {
  const ScheduleHeader& h = s.header;
  std::string out = fmt::format("{} image={:016x} input={:016x} seed={} boot={} entry-el={}\n", kMagic, h.image_hash,
                                h.input_hash, h.seed, h.boot, h.entry_el);
  if (s.lenient) out += "lenient\n";
  out += "# core start_cycle instructions end (w: the core waited or halted, s: it spun waiting, r: it could go on)\n";
  for (const auto& e : s.slices) out += fmt::format("{} {} {} {}\n", e.core, e.start_cycle, e.instructions, e.waited ? 'w' : e.spun ? 's' : 'r');
  return out;
}

Schedule parse_schedule(const std::string& text) {
  Schedule s;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) throw ScheduleMismatch("the schedule is empty");
  s.header = parse_header(line);
  for (int n = 2; std::getline(in, line); ++n) {
    if (line == "lenient" && s.slices.empty()) s.lenient = true;
    else if (!line.empty() && line[0] != '#') s.slices.push_back(parse_slice(line, n));
  }
  if (s.slices.empty()) throw ScheduleMismatch("the schedule has no slices");
  return s;
}

}  // namespace chemu
