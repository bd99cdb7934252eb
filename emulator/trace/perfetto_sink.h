// Chrome/Perfetto trace-event JSON (open it in ui.perfetto.dev or chrome://tracing). Timestamps are
// virtual microseconds (cycles at 1.2 GHz), so the timeline is as repeatable as the run.
//
// Process 0, "chemu": a track per core with its interleaver slices ("running") and every machine
// event as an instant; "machine" for machine-wide events; per core, an "irq" track (an IRQ from its
// delivery to the next exception return) and an "ipi" track (mailbox writes), with a flow arrow from
// each mailbox write to the IRQ it raised on the target core.
// With the kernel model (kernel events): per core, a "threads" track naming the guest thread it
// runs; a process per guest address space with a track per guest thread: "running on CPU n" slices
// with the thread's syscalls nested in them (a syscall slice ends at its return or when the thread
// is switched out), and flow arrows for every IPC call (client's ipc_call -> server thread) and
// return (server's ipc_return -> client).
// Cores have their own clocks, so a thread that moves to a core whose clock is behind would go back
// in time: each track's timestamps are kept from going backwards (a slice starts no earlier than the
// last timestamp on its track), so slices nest and tracks read left to right. A flow's ends sit half
// a cycle inside the slices they bind to (never on a slice's edge), and are written once the flow has
// arrived: a flow that never arrives (the run ended first) is left out.
#pragma once
#include <array>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trace/tracer.h"

namespace chemu {

class PerfettoSink final : public TraceSink {
 public:
  PerfettoSink(std::FILE* f, std::string name);
  ~PerfettoSink() override;
  void on_event(const Event& e) override;
  void finish() override;

 private:
  static constexpr int kCores = 4;
  // A track: (pid, tid), the start of each slice open on it, the last timestamp written.
  struct Track {
    int pid = 0, tid = 0;
    std::vector<uint64_t> open;
    uint64_t last = 0;
    uint64_t space = 0;  // guest thread tracks: the address space (process) it belongs to
    std::string label;   // named (thread_name metadata) on first use, then cleared
  };
  void write_record(const std::string& json);
  void name_track(int pid, int tid, const std::string& name);
  uint64_t stamp(Track& t, uint64_t cycle);
  void begin(Track& t, uint64_t cycle, const std::string& name, const std::string& detail = {});
  void end(Track& t, uint64_t cycle);
  // A flow's start: inside the innermost slice open on a track. Both ends are written when the
  // flow arrives (a flow that never arrives is left out, so every flow id has both ends).
  struct FlowStart {
    int pid, tid;
    double ts;
  };
  std::optional<FlowStart> flow_start(const Track& t) const;
  void flow_to(const FlowStart& from, const Track& to);
  void on_machine_event(const Event& e);
  void on_kernel_event(const Event& e);
  Track& thread_track(const GuestThread& g);
  Track* known_thread_track(uint64_t id);

  bool first_ = true;
  std::array<uint64_t, kCores> slice_start_{};
  std::array<Track, kCores> irq_, ipi_, core_threads_;
  std::array<std::deque<FlowStart>, kCores> ipi_to_;  // flows from mailbox writes to each core, not yet delivered
  std::map<uint64_t, int> space_pid_;                 // address space -> pid
  std::map<uint64_t, Track> threads_;                 // guest thread -> its track
  std::map<uint64_t, std::vector<FlowStart>> flow_in_;  // guest thread -> flows ending when it next runs
  uint64_t next_flow_ = 1;
  int next_tid_ = 1000;
};

}  // namespace chemu
