// A gdb remote stub for the whole machine: the four cores are gdb threads 1-4. It runs on the
// machine's own host thread: it looks at the socket only between slices (Ctrl-C, a client
// connecting) and holds the thread while the target is stopped. Stops happen inside the cores'
// instruction and data-access hooks or between slices; nothing the guest sees depends on them, so a
// run under gdb is the run without it (same trace hash), however it is stopped, stepped or read.
//
// Breakpoints live here, not in guest memory: the instruction hook compares each PC with them.
// Watchpoints are the data-access hook (on while any is set): a hit stops before the access, with PC
// at the accessing instruction, as AArch64 reports them (gdb then steps over it and compares values).
// Stepping is by instructions of one core: the other cores run on as the schedule has them, so the
// slices and cycles stay those of the free run.
//
// Reverse execution (bs, bc) is going back in time, not running backwards: while gdb is attached the
// stub takes a machine snapshot every `snapshot_interval` instructions (between slices), and counts
// the instruction hooks, machine-wide and per core, which name every point of the run. Going back to
// a point restores the last snapshot before it and runs forward, deterministically, to that count.
// `bc` first runs each interval from its snapshot to where it stopped, looking for the last
// breakpoint or watchpoint hit, newest interval first; before the first snapshot is the start of
// history (gdb is told `replaylog:begin`).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gdb/rsp.h"
#include "machine/machine.h"

namespace chemu::gdb {

class GdbStub final : public MachineDebugger {
 public:
  // Listens at once (port 0: the system picks one; port() says which). `wait`: the first
  // instruction waits for gdb to connect and continue (QEMU's -S).
  // `snapshot_interval`: instructions between snapshots for reverse execution (0: no reverse execution).
  GdbStub(Machine& machine, int port, bool wait, uint64_t snapshot_interval = kDefaultSnapshotInterval);
  static constexpr uint64_t kDefaultSnapshotInterval = 10'000'000;
  int port() const { return server_.port(); }

  // MachineDebugger
  void run_starts() override;
  void slice_ended(int core) override;
  void run_ended(const RunResult& result) override;
  void before_instruction(int core, uint64_t pc) override;
  void memory_access(int core, uint64_t pa, unsigned size, bool write) override;

 private:
  enum class Why { Attach, Interrupt, Breakpoint, Step, Watch, HistoryBegin };
  struct Stop {
    int core;
    Why why;
    uint64_t data_address = 0;
    char watch_kind = 0;  // '2' write, '3' read, '4' access (the Z packet's type)
    bool hardware = false;
  };
  struct Watchpoint {
    uint64_t addr, len;
    char kind;
    uint64_t pa;  // where addr was mapped when gdb set it
  };
  struct Breakpoint {
    uint64_t addr;
    bool hardware;
  };

  // Serves gdb until it resumes the target (or goes away). `in_hook`: the host thread is inside
  // this core's instruction or data-access hook.
  void stopped(const Stop& stop, int in_hook);
  void attached(int core);
  // One packet; true when it resumes the target.
  bool handle(const std::string& packet);
  std::string stop_reply() const;
  std::string read_registers(int core) const;
  std::string read_memory(std::string_view args) const;
  std::string write_memory(std::string_view args);
  std::string breakpoint_packet(const std::string& packet);
  bool resume(std::string_view actions);  // vCont actions; false on a malformed packet
  std::string monitor(const std::string& command) const;
  std::string thread_info(int core) const;
  uint64_t pc_of(int core) const;
  void detach();
  void unhook();
  void update_armed();
  bool eligible(int core) const { return resume_all_ || core == step_core_; }
  std::optional<int> thread_core(std::string_view id) const;  // gdb thread id -> core (-1: all)

  // ---- time travel (reverse execution) ----
  // A point of the run: before the `call`-th instruction hook (sub 0), at a watched access during it
  // (1), or after it, between slices (2). Positions only grow as the run goes forward.
  struct Position {
    uint64_t call;
    int sub;
    auto operator<=>(const Position&) const = default;
  };
  struct Checkpoint {
    size_t snapshot;
    uint64_t calls;
    std::array<uint64_t, kNumCores> core_calls;
    uint64_t instructions;
  };
  enum class Travel {
    None,     // running forward as gdb asked
    Abandon,  // the running slice is being thrown away: a restore follows at its end
    Scan,     // bc: running one interval, noting the last hit before scan_until_
    Reach,    // running to target_ (then stopping there)
  };
  struct Target {
    Stop stop;
    std::optional<Position> at;          // a machine-wide point
    std::optional<uint64_t> core_call;   // or the n-th instruction hook of stop.core
  };
  Position position() const;  // where the machine is stopped now
  void take_checkpoint();
  void reverse_step(int core);
  void reverse_continue();
  void go_back(size_t checkpoint, Travel then, int in_slice);
  void restore(size_t checkpoint);
  void scan_ended(int in_slice);
  bool reached(int core, int sub);
  void note_hit(const Stop& hit, int sub);
  std::optional<size_t> last_checkpoint_before(Position p) const;

  uint64_t snapshot_interval_;
  std::vector<Checkpoint> checkpoints_;
  uint64_t calls_ = 0;                            // instruction hooks so far, all cores
  std::array<uint64_t, kNumCores> core_calls_{};  // and per core
  Travel travel_ = Travel::None;
  Travel after_abandon_ = Travel::None;
  size_t travel_checkpoint_ = 0;     // the restore the abandoned slice waits for; the interval being scanned
  Position scan_until_{};            // Scan: where the interval (or the stop bc started from) ends
  std::optional<std::pair<Stop, Position>> last_hit_;  // Scan: the latest hit seen in this interval
  Target target_{};

  Machine& machine_;
  RspServer server_;
  bool wait_at_start_;
  bool armed_ = false;  // anything to look at per instruction: a breakpoint or a step
  std::vector<Breakpoint> breakpoints_;
  std::vector<Watchpoint> watchpoints_;
  std::array<uint64_t, kNumCores> last_pc_{};  // the instruction each core is at or was last at
  Stop last_stop_{0, Why::Attach};
  int in_hook_ = -1;                   // core whose hook holds the thread while stopped, or -1
  int g_core_ = 0, c_core_ = -1;       // Hg and Hc threads (-1: all)
  int step_core_ = -1;                 // the core being stepped
  std::optional<uint64_t> step_skip_;  // its next instruction hook is at this PC: that instruction is the step
  bool resume_all_ = true;             // all cores resumed (else only step_core_'s stops count)
  bool ended_ = false;
  bool unhook_at_slice_end_ = false;  // detached inside a hook: the cores' hooks go between slices
};

}  // namespace chemu::gdb
