#include "search/verdict.h"

#include <string_view>

#include <fmt/format.h>

namespace chemu::search {

namespace {
// The first line of `text` containing `needle`, without its newline.
std::string line_with(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  const size_t begin = text.rfind('\n', at), end = text.find('\n', at);
  const size_t b = begin == std::string::npos ? 0 : begin + 1;
  return text.substr(b, (end == std::string::npos ? text.size() : end) - b);
}

Verdict make(std::string kind, std::string detail, std::string signature) {
  return Verdict{std::move(kind), std::move(detail), std::move(signature)};
}

// chemu's own message on stderr ("chemu: ..."), without the prefix; empty if none.
std::string chemu_message(const std::string& errors, std::string_view marker) {
  std::string l = line_with(errors, std::string(marker));
  if (l.rfind("chemu: ", 0) == 0) l.erase(0, 7);
  return l;
}
}  // namespace

// In order of how much each says: chemu crashing or being killed first, then what the guest printed
// (--fail-on), then how chemu ended the run, then the exit status, --pass-on, and guest-error warnings.
Verdict judge(const Criteria& c, const RunOutput& out) {
  if (out.timed_out) return make("timeout", "killed at the host --timeout (not a property of the run)", "timeout");
  if (out.signal) return make("crash", fmt::format("chemu killed by signal {}", out.signal), fmt::format("crash {}", out.signal));
  for (const std::string& text : c.fail_on)
    if (out.console.find(text) != std::string::npos)
      return make("fail-on", fmt::format("console line: {}", line_with(out.console, text)), "fail-on " + text);
  if (out.exit_code == 3 && out.errors.find("every core is waiting") != std::string::npos)
    return make("deadlock", chemu_message(out.errors, "every core is waiting"), "deadlock");
  if (out.exit_code == 4) {
    const std::string m = chemu_message(out.errors, "stopped after");
    return make("hang", m.empty() ? "stopped at a limit" : m, "hang");
  }
  if (out.exit_code == 3) {
    std::string m = chemu_message(out.errors, "chemu: ");
    return make("guest-error", m.empty() ? "exit status 3" : m, "guest-error");
  }
  if (out.exit_code != 0) return make("exit", fmt::format("exit status {}", out.exit_code), fmt::format("exit {}", out.exit_code));
  for (const std::string& text : c.pass_on)
    if (out.console.find(text) == std::string::npos)
      return make("pass-on", fmt::format("no console line contains '{}'", text), "pass-on " + text);
  if (c.guest_errors_fail && out.errors.find("guest error:") != std::string::npos)
    return make("guest-error", chemu_message(out.errors, "guest error:"), "guest-error");
  return make("ok", "", "ok");
}

}  // namespace chemu::search
