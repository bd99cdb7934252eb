#include "search/bundle.h"

#include <sys/stat.h>

#include <array>
#include <deque>
#include <fstream>

#include <fmt/format.h>

#include "search/search.h"

namespace chemu::search {

bool write_text(const std::string& path, const std::string& text, bool executable) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (executable) chmod(path.c_str(), 0755);
  return bool(out);
}

nlohmann::json criteria_json(const Criteria& c) {
  return {{"fail_on", c.fail_on}, {"pass_on", c.pass_on}, {"guest_errors_fail", c.guest_errors_fail}};
}

Criteria criteria_from_json(const nlohmann::json& j) {
  Criteria c;
  c.fail_on = j.value("fail_on", std::vector<std::string>{});
  c.pass_on = j.value("pass_on", std::vector<std::string>{});
  c.guest_errors_fail = j.value("guest_errors_fail", true);
  return c;
}

Job bundle_job(const BundleSpec& s, uint64_t id) {
  Job j;
  j.id = id;
  j.argv = s.command;
  const std::string image = j.argv.back();
  j.argv.pop_back();
  for (const char* o : {"--trace", "trace.txt", "--perfetto", "perfetto.json", "--schedule-out", "schedule.txt", "--report", "cores.txt"})
    j.argv.push_back(o[0] == '-' ? std::string(o) : s.dir + "/" + o);
  j.argv.push_back(image);
  j.stdout_path = s.dir + "/console.txt";
  j.stderr_path = s.dir + "/stderr.txt";
  j.timeout_seconds = s.timeout;
  return j;
}

std::string last_events(const std::string& trace_path, size_t per_core) {
  std::ifstream in(trace_path);
  std::array<std::deque<std::string>, 5> last;  // cores 0-3, then machine-wide lines
  for (std::string line; std::getline(in, line);) {
    size_t who = 4;
    if (line.size() > 6 && line.compare(0, 5, "core ") == 0 && line[5] >= '0' && line[5] <= '3') who = size_t(line[5] - '0');
    last[who].push_back(std::move(line));
    if (last[who].size() > per_core) last[who].pop_front();
  }
  std::string out;
  for (size_t i = 0; i < last.size(); ++i) {
    out += i < 4 ? fmt::format("core {}:\n", i) : "machine:\n";
    if (last[i].empty()) out += "  (none)\n";
    for (const std::string& l : last[i]) out += "  " + l + "\n";
  }
  return out;
}

namespace {
std::string tail_lines(const std::string& text, size_t n) {
  size_t pos = text.size();
  if (pos && text[pos - 1] == '\n') --pos;
  for (size_t k = 0; k < n && pos != std::string::npos && pos > 0; ++k) pos = text.rfind('\n', pos - 1);
  std::string t = text.substr(pos == std::string::npos || pos == 0 ? 0 : pos + 1);
  std::string out;
  size_t b = 0;
  while (b < t.size()) {
    size_t e = t.find('\n', b);
    if (e == std::string::npos) e = t.size();
    out += "  " + t.substr(b, e - b) + "\n";
    b = e + 1;
  }
  return out.empty() ? "  (nothing)\n" : out;
}
}  // namespace

bool finish_bundle(const BundleSpec& s, const Finished& rerun) {
  const Verdict again = judge(s.criteria, rerun.output);
  const bool same = again.signature == s.verdict.signature;
  const std::string cmd = shell_join(s.command);
  write_text(s.dir + "/repro.sh",
             fmt::format("#!/bin/sh\n# {}\n# fails: {} ({})\nexec {} \"$@\"\n", s.title, s.verdict.signature, s.verdict.detail, cmd), true);
  nlohmann::json meta = {{"title", s.title},         {"command", s.command},         {"criteria", criteria_json(s.criteria)},
                         {"signature", s.verdict.signature}, {"detail", s.verdict.detail}, {"reproduced", same},
                         {"timeout", s.timeout},     {"cpu_seconds", rerun.cpu_seconds}};
  write_text(s.dir + "/bundle.json", meta.dump(2) + "\n");
  std::string r = fmt::format("chemu bug bundle: {}\n\n", s.title);
  r += fmt::format("failure:   {}: {}\n", s.verdict.signature, s.verdict.detail);
  r += fmt::format("reproduce: sh repro.sh    # {}\n", cmd);
  r += same ? "           (re-run with the outputs below: fails the same way)\n"
            : fmt::format("           NOT REPRODUCED: the re-run gave '{}': chemu is not deterministic here, please report it\n",
                          again.signature);
  r += "shrink:    chemu shrink " + s.dir + "\n";
  r += "files:     console.txt stderr.txt schedule.txt trace.txt perfetto.json (ui.perfetto.dev) cores.txt\n\n";
  r += "console (last lines):\n" + tail_lines(rerun.output.console, 8) + "\n";
  if (!rerun.output.errors.empty()) r += "chemu on stderr (last lines):\n" + tail_lines(rerun.output.errors, 6) + "\n";
  r += "last events of each core (trace.txt):\n" + last_events(s.dir + "/trace.txt", 8) + "\n";
  r += "cores at the end (cores.txt):\n" + read_whole_file(s.dir + "/cores.txt");
  write_text(s.dir + "/report.txt", r);
  return same;
}

}  // namespace chemu::search
