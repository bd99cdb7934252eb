#include "search/pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "cpu/unicorn_compat.h"

namespace chemu::search {

double monotonic_seconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string self_exe() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "chemu" : p.string();
}

namespace {
SelfRunner self_runner = nullptr;
std::string self_path;  // self_exe(), read once

// An anonymous temporary file for a child's output (gone when closed).
int temp_fd() {
  char name[] = "/tmp/chemu-search-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot create a temporary file: {}", std::strerror(errno)));
  unlink(name);
  fcntl(fd, F_SETFD, FD_CLOEXEC);  // only the child it is meant for gets it, as its stdout or stderr
  return fd;
}

std::string drain(int fd) {
  std::string out;
  if (fd < 0) return out;
  lseek(fd, 0, SEEK_SET);
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  close(fd);
  return out;
}

int open_out(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  return fd;
}
}  // namespace

void run_self_in_child(SelfRunner runner) {
  self_runner = runner;
  self_path = self_exe();
  ucx::context_layout();  // the start-up check, once here rather than in every child
}

ProcessPool::ProcessPool(unsigned jobs) : jobs_(jobs ? jobs : 1) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old_mask_);
}

ProcessPool::~ProcessPool() {
  cancel_all();
  sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

void ProcessPool::submit(Job job, bool first) {
  if (first) queue_.push_front(std::move(job));
  else queue_.push_back(std::move(job));
}

void ProcessPool::start(Job job) {
  Child c;
  c.out_fd = job.stdout_path.empty() ? temp_fd() : -1;
  c.err_fd = job.stderr_path.empty() ? temp_fd() : -1;
  const int out = c.out_fd >= 0 ? c.out_fd : open_out(job.stdout_path);
  const int err = c.err_fd >= 0 ? c.err_fd : open_out(job.stderr_path);
  std::vector<char*> argv;
  for (std::string& a : job.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  const bool in_child = self_runner && job.argv[0] == self_path;
  c.started = monotonic_seconds();
  std::fflush(nullptr);  // nothing the parent buffered may be written twice
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {  // the child: stdin from /dev/null, stdout and stderr to the files
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    const int in = open("/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
    if (in_child) {
      const int code = self_runner(int(argv.size() - 1), argv.data());
      std::fflush(nullptr);
      _exit(code);  // not exit(): the parent's static objects are the parent's to destroy
    }
    execv(argv[0], argv.data());
    dprintf(2, "chemu search: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  if (c.out_fd < 0) close(out);
  if (c.err_fd < 0) close(err);
  c.job = std::move(job);
  running_.emplace(pid, std::move(c));
}

Finished ProcessPool::collect(pid_t pid, int status, double cpu) {
  auto it = running_.find(pid);
  Child c = std::move(it->second);
  running_.erase(it);
  Finished f;
  f.id = c.job.id;
  f.cpu_seconds = cpu;
  f.wall_seconds = monotonic_seconds() - c.started;
  if (WIFEXITED(status)) f.output.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) f.output.signal = WTERMSIG(status);
  f.output.timed_out = c.job.timeout_seconds > 0 && f.output.signal == SIGKILL && f.wall_seconds >= c.job.timeout_seconds;
  f.output.console = c.out_fd >= 0 ? drain(c.out_fd) : read_whole_file(c.job.stdout_path);
  f.output.errors = c.err_fd >= 0 ? drain(c.err_fd) : read_whole_file(c.job.stderr_path);
  return f;
}

void ProcessPool::kill_overdue() {
  const double now = monotonic_seconds();
  for (auto& [pid, c] : running_)
    if (c.job.timeout_seconds > 0 && now - c.started >= c.job.timeout_seconds) kill(pid, SIGKILL);
}

std::optional<Finished> ProcessPool::wait(double max_wait) {
  while (running_.size() < jobs_ && !queue_.empty()) {
    start(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (running_.empty()) return std::nullopt;
  const double until = monotonic_seconds() + max_wait;
  for (;;) {
    int status = 0;
    rusage ru{};
    const pid_t pid = wait4(-1, &status, WNOHANG, &ru);
    if (pid > 0 && running_.count(pid)) {
      const double cpu = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
      return collect(pid, status, cpu);
    }
    kill_overdue();
    const double left = until - monotonic_seconds();
    if (left <= 0) return std::nullopt;
    // Sleep until a child ends (SIGCHLD is blocked, so it stays pending) or a timeout is due.
    double nap = std::min(left, 0.25);
    timespec ts{time_t(nap), long((nap - double(time_t(nap))) * 1e9)};
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigtimedwait(&chld, nullptr, &ts);
  }
}

void ProcessPool::cancel_all() {
  queue_.clear();
  for (auto& [pid, c] : running_) kill(pid, SIGKILL);
  for (auto& [pid, c] : running_) {
    waitpid(pid, nullptr, 0);
    if (c.out_fd >= 0) close(c.out_fd);
    if (c.err_fd >= 0) close(c.err_fd);
  }
  running_.clear();
}

}  // namespace chemu::search
