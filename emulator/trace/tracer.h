// One stream of events, many sinks. Every event is stamped with the core and that core's virtual
// cycle; its text form `core N @cycle kind details` is what the text sink writes and what the
// stable 64-bit hash (FNV-1a over the text lines) covers, so equal hashes mean equal runs.
// An event nobody reads (no sink, no hash asked for) costs no formatting: details are formatted
// only when someone listens.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace chemu {

enum class EventKind {
  SliceStart, SliceEnd, Exception, ExceptionStorm, IrqRaise, IrqDeliver, TimerProgram, Park, Wake,
  MailboxWrite, SpinRelease, UartLine, SemihostExit, GuestError, Maintenance, Limit, PowerOff, Reset,
};
std::string_view event_kind_name(EventKind k);

struct Event {
  int core;        // -1 for machine-wide events
  uint64_t cycle;  // the core's virtual cycle (machine time for machine-wide events)
  EventKind kind;
  std::string details;
};
std::string format_event(const Event& e);

// A sink never throws (events come from inside the engine's hooks): a sink whose writes fail keeps
// the first reason in error() and writes nothing more; the machine ends the run on it.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_event(const Event& e) = 0;
  virtual void finish() {}
  const std::string& error() const { return error_; }

 protected:
  // Owns `f` (closes it at finish(), unless stdout/stderr); `name` says what it is in error messages.
  TraceSink(std::FILE* f, std::string name) : f_(f), name_(std::move(name)) {}
  TraceSink() = default;
  void write(std::string_view text);  // to f_, unless a write failed before
  void close_file();                  // flushes or closes f_, keeping a failure as the error
  std::FILE* f_ = nullptr;

 private:
  void fail();
  std::string name_, error_;
};

// Writes one text line per event to a FILE it owns.
class TextTraceSink final : public TraceSink {
 public:
  TextTraceSink(std::FILE* f, std::string name) : TraceSink(f, std::move(name)) {}
  ~TextTraceSink() override;
  void on_event(const Event& e) override;
  void finish() override { close_file(); }
};

class Tracer {
 public:
  void add_sink(std::unique_ptr<TraceSink> sink) { sinks_.push_back(std::move(sink)); }
  // The hash costs a formatted line per event, so it is kept only for whoever asks (--trace-hash,
  // tests). Ask before the run: events before the call are not in it.
  void enable_hash() { hashing_ = true; }
  bool hashing() const { return hashing_; }
  // Whether an event would reach anyone (a sink or the hash).
  bool listening() const { return hashing_ || !sinks_.empty(); }

  // `details` (a fmt format string and its arguments) are formatted only if someone listens.
  template <typename... Args>
  void emit(int core, uint64_t cycle, EventKind kind, fmt::format_string<Args...> details, Args&&... args) {
    ++count_;
    if (listening()) deliver({core, cycle, kind, fmt::format(details, std::forward<Args>(args)...)});
  }
  void emit(int core, uint64_t cycle, EventKind kind) {
    ++count_;
    if (listening()) deliver({core, cycle, kind, {}});
  }
  uint64_t hash() const { return hash_; }    // FNV-1a of the lines so far, if enable_hash() was called
  uint64_t count() const { return count_; }  // events emitted, listened to or not
  void finish();
  std::string error() const;  // the first sink's write error, or empty

 private:
  void deliver(const Event& e);

  std::vector<std::unique_ptr<TraceSink>> sinks_;
  bool hashing_ = false;
  uint64_t hash_ = 0xcbf29ce484222325ull;  // FNV-1a offset basis
  uint64_t count_ = 0;
};

}  // namespace chemu
