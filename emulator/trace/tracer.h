// One stream of events, many sinks. Every event is stamped with the core and that core's virtual
// cycle; its text form `core N @cycle kind details` is what the text sink writes and what the
// stable 64-bit hash (FNV-1a over the text lines) covers, so equal hashes mean equal runs.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_event(const Event& e) = 0;
  virtual void finish() {}
};

// Writes one text line per event to a FILE it owns.
class TextTraceSink final : public TraceSink {
 public:
  explicit TextTraceSink(std::FILE* f) : f_(f) {}
  ~TextTraceSink() override;
  void on_event(const Event& e) override;
  void finish() override;

 private:
  std::FILE* f_;
};

class Tracer {
 public:
  void add_sink(std::unique_ptr<TraceSink> sink) { sinks_.push_back(std::move(sink)); }
  void emit(int core, uint64_t cycle, EventKind kind, std::string details = {});
  uint64_t hash() const { return hash_; }
  uint64_t count() const { return count_; }
  void finish();

 private:
  std::vector<std::unique_ptr<TraceSink>> sinks_;
  uint64_t hash_ = 0xcbf29ce484222325ull;  // FNV-1a offset basis
  uint64_t count_ = 0;
};

}  // namespace chemu
