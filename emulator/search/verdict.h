// Whether a run failed, and how: the failure criteria of `chemu search` applied to what one chemu
// process left behind (exit status, console, stderr). The signature is what "fails the same way"
// compares when `chemu shrink` tries another schedule.
#pragma once
#include <string>
#include <vector>

namespace chemu::search {

struct Criteria {
  std::vector<std::string> fail_on;  // a console line containing any of these fails the run
  std::vector<std::string> pass_on;  // each must appear in some console line, or the run fails
  bool guest_errors_fail = true;     // a guest-error warning on stderr fails the run
};

// What a finished chemu process left.
struct RunOutput {
  int exit_code = 0;       // when it exited
  int signal = 0;          // non-zero: killed by this signal (a crash of chemu itself)
  bool timed_out = false;  // killed by the search's host --timeout
  std::string console;     // stdout
  std::string errors;      // stderr
};

struct Verdict {
  // ok, fail-on, deadlock, hang, guest-error, exit, pass-on, crash, timeout
  std::string kind = "ok";
  std::string detail;     // one line for people: what was seen
  std::string signature;  // kind plus what identifies it (the exit status, the text): "exit 1"
  bool failed() const { return kind != "ok"; }
};

Verdict judge(const Criteria& criteria, const RunOutput& out);

}  // namespace chemu::search
