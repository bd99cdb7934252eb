// The whole Raspberry Pi 3: RAM, four cores, the devices on a bus, the interleaver and the tracer.
// Machine::run() is the only loop: it asks the interleaver for a slice, runs that core, then settles
// what the slice changed (waits, wake-ups, spin-table releases, exits) before the next one.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cpu/core.h"
#include "dev/bus.h"
#include "dev/armctrl.h"
#include "dev/aux.h"
#include "dev/console.h"
#include "dev/cprman.h"
#include "dev/gpio.h"
#include "dev/hw_rng.h"
#include "dev/local_intc.h"
#include "dev/pl011.h"
#include "dev/power.h"
#include "dev/sys_timer.h"
#include "dev/vc_mailbox.h"
#include "guest/chcore_model.h"
#include "machine/guest_ram.h"
#include "machine/linux_boot.h"
#include "machine/loader.h"
#include "sched/interleaver.h"
#include "trace/tracer.h"

namespace chemu {

enum class BootMode { Auto, SpinTable, All };
enum class SchedPolicy { RoundRobin, Random, Pct, PctComm };

struct MachineConfig {
  BootMode boot = BootMode::Auto;  // Auto: All for ELF images, SpinTable for raw ones (as QEMU does)
  int entry_el = 0;                // 0: EL3 for ELF images, EL2 for raw ones (as QEMU does); or 1-3
  SchedPolicy sched = SchedPolicy::RoundRobin;
  uint64_t seed = 0;
  uint64_t quantum = 20000;        // instructions per slice (the mean for `random`)
  unsigned pct_depth = 3;          // PCT: d (d - 1 priority change points)
  uint64_t pct_steps = 20000;      // PCT: slices (pct-comm: communication events) over which change points are drawn
  uint64_t max_instructions = 0;   // 0: no limit
  // Bytes of each core's translated-code buffer (0: Unicorn's default, 1 GiB). Unicorn 2.1.1 zeroes
  // the whole buffer each time it is emptied (tcg_region_reset_all), which chemu does between slices
  // before it fills: with 1 GiB a long run kept 4 GiB resident for the four cores and paid a 1 GiB
  // memset per core each time. 128 MiB holds all our kernel's whole run translates (with 64 MiB it
  // was emptied mid-run), so only long runs empty it, and they keep at most 512 MiB resident.
  uint32_t translation_buffer = 128u << 20;
  uint64_t max_cycles = 0;         // 0: no limit; else stop once virtual time (cycles at 1.2 GHz) reaches it
  std::string until_line;          // non-empty: the run ends (status 0) once a console line contains it
  std::vector<ScheduleEntry> replay;  // non-empty: follow this schedule instead of the policy
  bool replay_lenient = false;        // Schedule::lenient: skip slices of cores that cannot run, then rr
  bool record_schedule = false;       // keep every slice for schedule() (--schedule-out)
  bool spin_skip = true;              // end slices spent spinning at a fixed point early (same run)
  std::FILE* console_out = stdout;
  // An access in the peripheral windows that no device claims: false (default) reads zero, ignores
  // the write and warns once per address, as QEMU's unimplemented devices do; true ends the run (exit 3).
  bool strict_mmio = false;
  // --dtb, --initrd, --append: for an arm64 Linux Image, loaded as QEMU's arm boot code does.
  LinuxBootFiles linux_boot;
};

// How a run ended. Exit codes: the guest's own status, or the ones below.
struct RunResult {
  enum class End { GuestExit, GuestError, Limit, UntilLine, PowerOff, Reset, ScheduleMismatch, OutputError } end;
  int exit_code;
  std::string message;  // one line for the user when the guest did not exit by itself
};
constexpr int kExitStatusOutOfRange = 1;  // a semihosting exit status outside 0-255 (see semihost_exit)
constexpr int kExitBadInput = 2;  // a --schedule-in that does not fit this run, found while it runs
constexpr int kExitGuestError = 3;
constexpr int kExitLimit = 4;
constexpr int kExitReset = 5;  // the guest asked for a reboot (watchdog full reset), which chemu does not do
constexpr int kExitOutputError = 6;  // an output file (trace, timeline, schedule, screenshot) cannot be written

// A debugger attached to the machine (gdb/): besides each core's instructions and data accesses, it
// is called once before the first slice, after every slice and when the run has ended. It may hold
// the host thread in any of these calls; the run itself is the same as without it.
class MachineDebugger : public CoreObserver {
 public:
  virtual void run_starts() = 0;
  virtual void slice_ended(int core) = 0;
  virtual void run_ended(const RunResult& result) = 0;
};

class Machine final : public CoreHost, public GuestErrorLog {
 public:
  static constexpr uint64_t kSpinTableSlot0 = 0xd8;  // core N waits on 0xd8 + 8 * N

  explicit Machine(const MachineConfig& config);
  ~Machine() override;

  // Loads the image and puts the cores in their boot state. Throws ImageError.
  void load(const std::string& path);
  void load_bytes(const std::string& image);
  RunResult run();

  Core& core(int i) { return *cores_[size_t(i)]; }
  void set_debugger(MachineDebugger* debugger);  // before run()
  const MachineConfig& config() const { return config_; }
  const GuestRam& ram() const { return ram_; }
  GuestRam& ram() { return ram_; }
  uint64_t slices() const { return slices_; }  // slices run so far
  // Ends the run after the running slice (exit code 4), as a limit would: the debugger's `kill`.
  void end_run(const std::string& why);
  Console& console() { return console_; }
  // What the framebuffer shows now (its physical size, from guest RAM): for --screenshot.
  RgbImage screenshot() const { return mailbox_.framebuffer().render(ram_); }
  Tracer& tracer() override { return tracer_; }
  const Symbols& symbols() const { return symbols_; }
  // The kernel model found in the loaded image (nullptr: none); it runs only if a sink takes
  // kernel events when run() starts.
  const ChcoreModel* kernel_model() const { return model_.get(); }
  uint64_t total_instructions() const { return total_instructions_; }
  uint64_t skipped_instructions() const;  // of those, charged by the spin skip without running
  uint64_t communications() const { return communications_; }  // pct-comm's events so far (0 under other policies)
  uint64_t image_hash() const { return image_hash_; }  // of the loaded image's bytes
  // The slices that ran, in order; empty unless MachineConfig::record_schedule.
  const std::vector<ScheduleEntry>& schedule() const { return schedule_; }

  // Snapshots of the whole machine, for gdb's reverse execution (machine/snapshot.h). Taken and
  // restored between slices only. The first one starts journaling RAM writes (every guest store
  // then goes through a hook); restoring snapshot i drops those taken after it. Nothing the
  // console or the trace sinks have had is sent again when the same run is re-executed.
  size_t take_snapshot();
  void restore_snapshot(size_t i);
  size_t snapshot_count() const { return snapshots_.size(); }
  size_t snapshot_bytes(size_t i) const;  // what going back to it costs in memory: pages written since, engine contexts, console
  // From a hook inside a slice that a restore will undo: the slice ends, and nothing it still does
  // reaches the console or the trace (restore_snapshot turns them back on).
  void abandon_slice(int core);

  // CoreHost
  std::optional<uint64_t> mmio_read(int core, uint64_t pa, unsigned size) override;
  bool mmio_write(int core, uint64_t pa, unsigned size, uint64_t value) override;
  void send_event(int core) override;
  void tlb_maintenance(int core) override;
  void code_maintenance(int core, std::optional<uint64_t> page) override;
  void semihost_exit(int core, int64_t status) override;
  void console_write(int core, std::string_view text) override;
  void fatal_guest_error(int core, const std::string& what) override;
  uint64_t counter_read(int core, uint64_t cycle) override;
  bool irq_raised(int core) override { return local_intc_.irq_source(core) != 0; }
  // GuestErrorLog
  void guest_error(int core, std::string_view device, std::string_view what) override;

 private:
  struct Snapshot;
  void boot(const LoadedImage& image);
  LoadedImage load_linux_image(const std::string& image);
  void release_spin_table_cores(int by_core);
  void reset_requested(int core, bool power_off, uint32_t rsts);
  void settle(Core& c, const Core::SliceResult& r);
  void clear_exclusive_monitors(Core& writer);
  void catch_up_expired_timer(Core& c);
  void deliver_irq(Core& c);
  bool replay_diverged(const Slice& s, const Core& c);
  uint32_t sample_irq_lines(const Core& c);
  void wake_waiting_cores();
  bool skip_idle_time();
  void wake(Core& c, uint64_t at, std::string_view why);
  void check_limits();
  void check_trace_written();
  void on_console_line(int core, std::string_view line, UartPort port);
  std::optional<uint64_t> deadline(const Core& c) const;
  std::optional<uint64_t> gpu_deadline(int core) const;
  InterruptLevels peripheral_lines() const;
  Runnable runnable() const;
  uint64_t now() const;            // the furthest any core has got
  std::optional<uint64_t> unclaimed_access(int core, uint64_t pa, unsigned size, std::optional<uint64_t> written);
  uint64_t running_time() const;   // the slowest running core: waiting cores wake against this

  MachineConfig config_;
  GuestRam ram_;
  Symbols symbols_;
  std::unique_ptr<ChcoreModel> model_;
  Console console_;
  Tracer tracer_;
  Bus bus_;
  Pl011 uart_;
  VcMailbox mailbox_;
  SysTimer sys_timer_;
  AuxMiniUart aux_;
  ArmCtrl armctrl_;
  LocalIntc local_intc_;
  Gpio gpio_;
  HwRng hw_rng_;
  PowerManager power_;
  Cprman cprman_;
  std::array<std::unique_ptr<Core>, kNumCores> cores_;
  std::unique_ptr<Interleaver> interleaver_;
  uint64_t total_instructions_ = 0;
  uint64_t slices_ = 0;
  uint64_t communications_ = 0;
  MachineDebugger* debugger_ = nullptr;
  std::vector<ScheduleEntry> schedule_;
  std::array<uint32_t, kNumCores> irq_lines_{};  // last sampled IRQ sources per core, for irq-raise events
  std::optional<RunResult> result_;
  uint64_t counter_seen_ = 0;  // the latest cycle at which any core read the system counter
  uint64_t image_hash_ = 0;
  uint64_t boot_x0_ = 0;  // what the boot core finds in x0: the device tree's address for Linux
  int entry_el_ = 3;  // the EL cores start at (spin-table cores too, when released)
  std::set<std::pair<uint64_t, bool>> unclaimed_seen_;  // (address, is write) already reported
  std::unique_ptr<RamJournal> journal_;               // from the first snapshot on
  std::vector<std::unique_ptr<Snapshot>> snapshots_;
};

}  // namespace chemu
