// A pool of worker processes: each job is one chemu command (fork, then exec or the run itself: see
// run_self_in_child), at most `jobs` at once.
// One emulated machine never uses more than one host thread, so the pool is how a search uses every
// host core. The parent only waits: it blocks SIGCHLD and sleeps in sigtimedwait until a child ends.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "search/verdict.h"

namespace chemu::search {

struct Job {
  uint64_t id = 0;
  std::vector<std::string> argv;  // argv[0] is the program
  std::string stdout_path;        // empty: captured into Finished::output.console
  std::string stderr_path;        // empty: captured into Finished::output.errors
  double timeout_seconds = 0;     // host time; 0: none
};

struct Finished {
  uint64_t id = 0;
  RunOutput output;
  double cpu_seconds = 0;   // user + system time of the child
  double wall_seconds = 0;
};

class ProcessPool {
 public:
  explicit ProcessPool(unsigned jobs);
  ~ProcessPool();  // kills what still runs
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  void submit(Job job, bool first = false);  // first: ahead of the queued jobs
  // Starts queued jobs while slots are free, then waits for one to end, at most `max_wait` seconds.
  // nullopt when nothing ended in that time (or nothing is running or queued).
  std::optional<Finished> wait(double max_wait);
  size_t running() const { return running_.size(); }
  size_t queued() const { return queue_.size(); }
  void cancel_all();
  // Drops the queued (not yet started) jobs for which `drop` is true.
  template <typename Pred>
  void drop_queued(Pred drop) {
    std::erase_if(queue_, drop);
  }  // drops queued jobs and kills running ones (their results are not reported)

 private:
  struct Child {
    Job job;
    int out_fd = -1, err_fd = -1;  // temporary files when capturing
    double started = 0;
  };
  void start(Job job);
  void kill_overdue();
  Finished collect(pid_t pid, int status, double cpu);

  unsigned jobs_;
  std::deque<Job> queue_;
  std::map<pid_t, Child> running_;
  sigset_t old_mask_;
};

// A job whose program is this very binary can run in the forked child itself instead of exec'ing the
// binary again: the child starts with the shared libraries loaded and relocated and Unicorn's start-up
// check done (a third of a short guest's run), and runs the same code an exec would, from the same
// arguments. The chemu front end registers its run path; without one (or for another binary) the
// child execs.
using SelfRunner = int (*)(int argc, char** argv);
void run_self_in_child(SelfRunner runner);

double monotonic_seconds();
std::string read_whole_file(const std::string& path);
std::string self_exe();  // the running chemu binary, absolute

}  // namespace chemu::search
