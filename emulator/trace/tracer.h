// One stream of events, many sinks. Every event is stamped with the core and that core's virtual
// cycle; its text form `core N @cycle kind details` is what the text sink writes and what the
// stable 64-bit hash (FNV-1a over the text lines) covers, so equal hashes mean equal runs.
// Two families of kinds: machine events (what the cores and devices did), which the hash covers,
// and kernel events (thread switches, syscalls, IPC: what the guest kernel model in guest/ reads
// from guest state), which it never covers, so turning the model on cannot change a hash.
// Each sink takes the kinds it asks for (--trace-events). An event nobody reads costs no
// formatting: details are formatted only when a sink or the hash takes its kind.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace chemu {

enum class EventKind {
  SliceStart, SliceEnd, Exception, ExceptionStorm, IrqRaise, IrqDeliver, TimerProgram, Park, Wake,
  MailboxWrite, SpinRelease, UartLine, SemihostExit, GuestError, Maintenance, Limit, PowerOff, Reset,
  // Kernel events (guest/kernel_model.h), never hashed.
  ThreadSwitch, Syscall, SyscallReturn, IpcCall, IpcReturn, IrqExit,
};
constexpr unsigned kEventKinds = unsigned(EventKind::IrqExit) + 1;
std::string_view event_kind_name(EventKind k);
std::optional<EventKind> event_kind_of(std::string_view name);

// A set of kinds, one bit per kind.
using KindMask = uint32_t;
constexpr KindMask kind_bit(EventKind k) { return KindMask(1) << unsigned(k); }
constexpr KindMask kAllKinds = (KindMask(1) << kEventKinds) - 1;
constexpr KindMask kKernelKinds = kind_bit(EventKind::ThreadSwitch) | kind_bit(EventKind::Syscall) |
                                  kind_bit(EventKind::SyscallReturn) | kind_bit(EventKind::IpcCall) |
                                  kind_bit(EventKind::IpcReturn) | kind_bit(EventKind::IrqExit);
constexpr KindMask kMachineKinds = kAllKinds & ~kKernelKinds;
constexpr bool is_kernel_kind(EventKind k) { return (kKernelKinds & kind_bit(k)) != 0; }
// "syscall,thread-switch" -> its mask; nullopt (and the bad name in `bad`) for an unknown kind.
std::optional<KindMask> parse_kinds(std::string_view list, std::string* bad = nullptr);

// What the kernel model knows about a kernel event, for sinks that draw more than a line (Perfetto).
// `thread` is the kernel address of the guest's thread object (its identity), `space` the address
// space (TTBR0_EL1 without the ASID) it runs in; `peer` the other thread (switch: the one before;
// IPC: the server).
struct GuestThread {
  uint64_t id = 0;
  uint64_t space = 0;
  std::string name;
};
struct KernelEvent {
  GuestThread thread, peer;
  std::string call;    // the syscall's handler name
  uint64_t value = 0;  // syscall-return, ipc-return: the return value
  int64_t ready = -1;  // thread-switch: threads ready on that CPU, if the model could count them
};

struct Event {
  int core;        // -1 for machine-wide events
  uint64_t cycle;  // the core's virtual cycle (machine time for machine-wide events)
  EventKind kind;
  std::string details;
  const KernelEvent* kernel = nullptr;  // kernel events: what the model read
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
  // The sink receives the events whose kinds are in `kinds`.
  void add_sink(std::unique_ptr<TraceSink> sink, KindMask kinds = kAllKinds) {
    sinks_.push_back({std::move(sink), kinds});
    sink_kinds_ |= kinds;
  }
  // The hash costs a formatted line per event, so it is kept only for whoever asks (--trace-hash,
  // tests). Ask before the run: events before the call are not in it.
  void enable_hash() { hashing_ = true; }
  bool hashing() const { return hashing_; }
  // Whether a machine event would reach anyone (a sink or the hash).
  bool listening() const { return hashing_ || (sink_kinds_ & kMachineKinds); }
  // Whether an event of this kind would reach anyone.
  bool wants(EventKind k) const { return (sink_kinds_ & kind_bit(k)) || (hashing_ && !is_kernel_kind(k)); }
  // Whether some sink takes kernel events: the kernel model runs only then.
  bool wants_kernel_events() const { return (sink_kinds_ & kKernelKinds) != 0; }

  // `details` (a fmt format string and its arguments) are formatted only if someone listens.
  template <typename... Args>
  void emit(int core, uint64_t cycle, EventKind kind, fmt::format_string<Args...> details, Args&&... args) {
    ++count_;
    if (wants(kind)) deliver({core, cycle, kind, fmt::format(details, std::forward<Args>(args)...)});
  }
  void emit(int core, uint64_t cycle, EventKind kind) {
    ++count_;
    if (wants(kind)) deliver({core, cycle, kind, {}});
  }
  // A kernel event, already formatted by the model (which asked wants() first).
  void emit_kernel(int core, uint64_t cycle, EventKind kind, std::string details, const KernelEvent& k) {
    if (wants(kind)) deliver({core, cycle, kind, std::move(details), &k});
  }
  uint64_t hash() const { return hash_; }    // FNV-1a of the lines so far, if enable_hash() was called
  uint64_t count() const { return count_; }  // machine events emitted, listened to or not
  void finish();
  std::string error() const;  // the first sink's write error, or empty

  // Machine snapshots: the hash and the event counts. Going back to a snapshot and running the
  // same events again does not send them to the sinks a second time (they have had them: the trace
  // file holds one timeline); nor does anything reach them while muted (a slice being abandoned).
  auto fields() { return std::tie(hash_, count_, delivered_); }
  void set_muted(bool muted) { muted_ = muted; }

 private:
  void deliver(const Event& e);

  struct Listener {
    std::unique_ptr<TraceSink> sink;
    KindMask kinds;
  };
  std::vector<Listener> sinks_;
  KindMask sink_kinds_ = 0;  // the union of the sinks' kinds
  bool hashing_ = false;
  uint64_t hash_ = 0xcbf29ce484222325ull;  // FNV-1a offset basis
  uint64_t count_ = 0;
  uint64_t delivered_ = 0;  // events delivered (to the hash and sinks) in this timeline
  uint64_t sent_ = 0;       // events the sinks have had: the most any timeline delivered
  bool muted_ = false;
};

}  // namespace chemu
