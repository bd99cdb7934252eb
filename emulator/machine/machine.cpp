#include "machine/machine.h"
#include "machine/snapshot.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sched/schedule_file.h"

namespace chemu {

namespace {
std::unique_ptr<Interleaver> make_interleaver(const MachineConfig& c) {
  if (!c.replay.empty() && c.replay_lenient) return std::make_unique<ReplayInterleaver>(c.replay, c.quantum);
  if (!c.replay.empty()) return std::make_unique<ReplayInterleaver>(c.replay);
  switch (c.sched) {
    case SchedPolicy::Random: return std::make_unique<RandomInterleaver>(c.seed, c.quantum);
    case SchedPolicy::Pct: return std::make_unique<PctInterleaver>(c.seed, c.quantum, c.pct_depth, c.pct_steps);
    case SchedPolicy::PctComm: return std::make_unique<PctInterleaver>(c.seed, c.quantum, c.pct_depth, c.pct_steps, true);
    case SchedPolicy::RoundRobin: break;
  }
  return std::make_unique<RoundRobin>(c.quantum);
}
}  // namespace

Machine::Machine(const MachineConfig& config)
    : config_(config),
      console_(config.console_out),
      uart_(console_, *this),
      mailbox_(ram_, *this),
      sys_timer_(*this, [this] { return now(); }),
      aux_(console_, *this),
      armctrl_(*this, [this] { return peripheral_lines(); }),
      local_intc_(
          *this, [this](int core) { return cores_[size_t(core)]->timer_lines(); },
          [this] { return LocalIntc::GpuLines{armctrl_.irq(), armctrl_.fiq()}; }, [this] { return now(); }),
      gpio_(*this),
      hw_rng_(*this, config.seed),
      power_(*this, [this](int core, bool off, uint32_t rsts) { reset_requested(core, off, rsts); }),
      cprman_(*this) {
  bus_.add(Pl011::kBase, Pl011::kSize, uart_);
  bus_.add(VcMailbox::kBase, VcMailbox::kSize, mailbox_);
  bus_.add(SysTimer::kBase, SysTimer::kSize, sys_timer_);
  bus_.add(AuxMiniUart::kBase, AuxMiniUart::kSize, aux_);
  bus_.add(ArmCtrl::kBase, ArmCtrl::kSize, armctrl_);
  bus_.add(LocalIntc::kBase, LocalIntc::kSize, local_intc_);
  bus_.add(Gpio::kBase, Gpio::kSize, gpio_);
  bus_.add(HwRng::kBase, HwRng::kSize, hw_rng_);
  bus_.add(PowerManager::kBase, PowerManager::kSize, power_);
  bus_.add(Cprman::kBase, Cprman::kSize, cprman_);
  for (int i = 0; i < kNumCores; ++i) {
    cores_[size_t(i)] = std::make_unique<Core>(i, ram_, *this, config.translation_buffer);
    cores_[size_t(i)]->set_spin_skip(config.spin_skip);
    cores_[size_t(i)]->count_communications(config.sched == SchedPolicy::PctComm);
  }
  interleaver_ = make_interleaver(config_);
  // PL011 lines keep their original form (`uart "text"`); mini UART lines say so (`uart mini "text"`).
  console_.set_line_listener([this](int core, std::string_view line, UartPort port) { on_console_line(core, line, port); });
  local_intc_.set_mailbox_listener([this](int from, int to, int mbox, uint32_t bits) {
    tracer_.emit(from, cores_[size_t(from)]->cycles(), EventKind::MailboxWrite, "to=core{} mailbox={} bits={:#x}", to, mbox, bits);
    cores_[size_t(from)]->communication_event();  // an IPI: counted under pct-comm only
  });
}

Machine::~Machine() = default;

void Machine::load(const std::string& path) {
  const std::string bytes = read_image_file(path);
  try {
    load_bytes(bytes);
  } catch (const ImageError& e) {
    throw ImageError(fmt::format("{}: {}", path, e.what()));
  }
}

// The image's symbols come with it: every address the cores print is named from them.
void Machine::load_bytes(const std::string& image) {
  if (config_.linux_boot.any() && !is_arm64_image(image))
    throw ImageError("--dtb, --initrd and --append need an arm64 Linux Image (\"ARM\\x64\" at offset 56)");
  const LoadedImage loaded = is_arm64_image(image) ? load_linux_image(image) : load_image_bytes(image, ram_);
  symbols_ = Symbols::from_image(image);
  for (auto& c : cores_) c->set_symbols(&symbols_);
  std::string why;
  model_ = ChcoreModel::find(symbols_, ram_, tracer_, &why);
  if (!model_) spdlog::debug("no kernel model: {}", why);
  boot(loaded);
}

// An arm64 Linux Image starts as a raw image does (EL2, cores 1-3 in the spin table, as the DTB's
// cpu-release-addr 0xd8 + 8n say), with x0 = the device tree. Its hash covers the DTB, initrd and
// command line too: a schedule recorded with one of them steers another run blind.
LoadedImage Machine::load_linux_image(const std::string& image) {
  const LinuxBootFiles& f = config_.linux_boot;
  const LinuxLayout l = load_linux(image, f, ram_);
  boot_x0_ = l.dtb;
  const uint64_t hash = f.any() ? fnv1a64(fmt::format("{:016x} {:016x} {:016x} {:016x}", fnv1a64(image), fnv1a64(f.dtb),
                                                      fnv1a64(f.initrd.value_or("")), fnv1a64(f.bootargs.value_or(""))))
                                : fnv1a64(image);
  return {l.kernel, false, hash};
}

// As QEMU's raspi3b starts a kernel: an ELF at EL3 on every core, a raw image at EL2 on core 0 with
// cores 1-3 in the spin table (as the Pi firmware leaves them); the config may override either.
void Machine::boot(const LoadedImage& image) {
  image_hash_ = image.hash;
  const bool spin = config_.boot == BootMode::SpinTable || (config_.boot == BootMode::Auto && !image.is_elf);
  entry_el_ = config_.entry_el ? config_.entry_el : image.is_elf ? 3 : 2;
  for (auto& c : cores_) {
    if (c->id() == 0 || !spin) c->start_at(image.entry, entry_el_);
    else c->set_state(CoreState::SpinTable);
  }
  cores_[0]->set_reg(UC_ARM64_REG_X0, boot_x0_);
}

// Cores that can run, less those too far ahead of the slowest one: all cores share one system
// counter on the real chip, so under rr and random a core more than two quanta (in cycles) ahead
// waits for the others. PCT lets cores run at different speeds on purpose and is exempt.
Runnable Machine::runnable() const {
  Runnable r{};
  for (int i = 0; i < kNumCores; ++i) r[size_t(i)] = cores_[size_t(i)]->state() == CoreState::Running;
  if (config_.sched == SchedPolicy::Pct || config_.sched == SchedPolicy::PctComm || !config_.replay.empty()) return r;
  const uint64_t slowest = running_time(), max_skew = 2 * config_.quantum;
  for (int i = 0; i < kNumCores; ++i)
    if (r[size_t(i)] && cores_[size_t(i)]->cycles() > slowest + max_skew) r[size_t(i)] = false;
  return r;
}

uint64_t Machine::skipped_instructions() const {
  uint64_t n = 0;
  for (const auto& c : cores_) n += c->skipped_instructions();
  return n;
}

uint64_t Machine::now() const {
  uint64_t t = 0;
  for (const auto& c : cores_) t = std::max(t, c->cycles());
  return t;
}

uint64_t Machine::running_time() const {
  uint64_t t = ~0ull;
  for (const auto& c : cores_)
    if (c->state() == CoreState::Running) t = std::min(t, c->cycles());
  return t;
}

// The first cycle at which something that raises an interrupt of `c` by itself, with time, fires:
// its generic timers, the local timer, a system timer compare. A slice of `c` ends there, and a
// waiting `c` sleeps until then. Devices count machine time (now(), the furthest any core has got),
// which may be ahead of `c`: a device deadline `c` has passed has raised its line already and is left
// out (as a slice deadline it would end every slice of `c` at once).
std::optional<uint64_t> Machine::deadline(const Core& c) const {
  std::optional<uint64_t> best = c.next_timer_deadline(local_intc_.routed_timers(c.id()));
  for (std::optional<uint64_t> d : {local_intc_.local_timer_deadline(c.id()), gpu_deadline(c.id())})
    if (d && *d > c.cycles() && (!best || *d < *best)) best = d;
  return best;
}

// The next system timer match that reaches `core` through the interrupt controller (enabled, and the
// GPU IRQ routed to it, or selected for FIQ with the GPU FIQ routed to it). The other GPU sources
// (UARTs, mailbox) only change when a guest or the input does something, never with time alone.
std::optional<uint64_t> Machine::gpu_deadline(int core) const {
  uint32_t compares = 0;
  if (local_intc_.gpu_irq_core() == core) compares |= uint32_t(armctrl_.gpu_enables() >> SysTimer::kGpuIrq0) & 0xf;
  const std::optional<unsigned> fiq = armctrl_.fiq_gpu_source();
  if (local_intc_.gpu_fiq_core() == core && fiq && *fiq - SysTimer::kGpuIrq0 < SysTimer::kCompares)
    compares |= 1u << (*fiq - SysTimer::kGpuIrq0);
  return compares ? sys_timer_.next_match_cycle(compares) : std::nullopt;
}

// The interrupt lines of the peripherals, as inputs of the BCM2835 interrupt controller.
InterruptLevels Machine::peripheral_lines() const {
  InterruptLevels l;
  l.gpu = uint64_t(sys_timer_.lines()) << SysTimer::kGpuIrq0;
  if (aux_.interrupt()) l.gpu |= 1ull << AuxMiniUart::kGpuIrq;
  if (uart_.interrupt()) l.gpu |= 1ull << Pl011::kGpuIrq;
  if (mailbox_.interrupt()) l.arm |= 1u << VcMailbox::kArmIrq;
  return l;
}

void Machine::set_debugger(MachineDebugger* debugger) {
  debugger_ = debugger;
  for (auto& c : cores_) c->set_observer(debugger);
}

void Machine::end_run(const std::string& why) {
  if (result_) return;
  tracer_.emit(-1, now(), EventKind::Limit, "debugger");
  result_ = RunResult{RunResult::End::Limit, kExitLimit, why};
  for (auto& c : cores_) c->end_slice();
}

RunResult Machine::run() {
  if (model_ && tracer_.wants_kernel_events())
    for (auto& c : cores_) c->set_kernel_observer(model_.get());
  if (debugger_) debugger_->run_starts();
  while (!result_) {
    wake_waiting_cores();
    const Runnable r = runnable();
    if (std::none_of(r.begin(), r.end(), [](bool b) { return b; })) {
      if (skip_idle_time()) {
        check_limits();
        continue;
      }
      tracer_.emit(-1, now(), EventKind::GuestError, "deadlock: every core is waiting and nothing can wake them");
      result_ = RunResult{RunResult::End::GuestError, kExitGuestError, "every core is waiting and nothing can wake them"};
      break;
    }
    Slice s;
    try {
      s = interleaver_->next(r);
    } catch (const ScheduleMismatch& e) {
      result_ = RunResult{RunResult::End::ScheduleMismatch, kExitBadInput, fmt::format("schedule replay: {}", e.what())};
      break;
    }
    Core& c = core(s.core);
    catch_up_expired_timer(c);
    deliver_irq(c);
    if (replay_diverged(s, c)) break;
    // The slice that would pass --max-instructions stops exactly there, inside a block if need be.
    const uint64_t left = config_.max_instructions ? config_.max_instructions - total_instructions_ : ~0ull;
    const uint64_t budget = std::min(s.budget, left);
    const uint64_t start = c.cycles(), skipped = c.skipped_instructions();
    c.limit_communications(s.communication_limit);
    tracer_.emit(c.id(), start, EventKind::SliceStart);  // no budget: a replay gives other budgets, same run
    const Core::SliceResult res = c.run(budget, deadline(c).value_or(~0ull), budget == left);
    total_instructions_ += res.instructions;
    communications_ += c.slice_communications();
    interleaver_->slice_ended(c.slice_communications());
    tracer_.emit(c.id(), c.cycles(), EventKind::SliceEnd, "ran={}", res.instructions);
    settle(c, res);
    clear_exclusive_monitors(c);
    const bool waited = c.state() != CoreState::Running;  // the schedule's `w`
    if (waited) interleaver_->core_waited(c.id());
    if (config_.record_schedule) schedule_.push_back({c.id(), start, res.instructions, waited, c.skipped_instructions() != skipped});
    ++slices_;
    check_limits();
    if (debugger_ && !result_) debugger_->slice_ended(c.id());
  }
  console_.flush();
  tracer_.finish();
  check_trace_written();
  if (debugger_) debugger_->run_ended(*result_);
  return *result_;
}

// A trace that cannot be written ends the run (a full disk should not let a long run go on for
// nothing), and outweighs how the run ended otherwise: the user asked for a trace and has none.
void Machine::check_trace_written() {
  if (result_ && result_->end == RunResult::End::OutputError) return;
  if (std::string error = tracer_.error(); !error.empty()) result_ = RunResult{RunResult::End::OutputError, kExitOutputError, error};
}

void Machine::check_limits() {
  check_trace_written();
  if (result_) return;
  if (config_.max_instructions && total_instructions_ >= config_.max_instructions) {
    tracer_.emit(-1, now(), EventKind::Limit, "instructions={}", total_instructions_);
    result_ = RunResult{RunResult::End::Limit, kExitLimit, fmt::format("stopped after {} instructions (--max-instructions)", total_instructions_)};
  } else if (config_.max_cycles && now() >= config_.max_cycles) {
    tracer_.emit(-1, now(), EventKind::Limit, "cycles={}", now());
    result_ = RunResult{RunResult::End::Limit, kExitLimit,
                        fmt::format("stopped after {:.3f} virtual seconds (--max-time)", double(now()) / double(GenericTimer::kCpuHz))};
  }
}

// Every console line is traced; --until-line ends the run at the first line containing its text
// (the slice ends at once, so nothing after that line runs).
void Machine::on_console_line(int core, std::string_view line, UartPort port) {
  Core& c = *cores_[size_t(core)];
  tracer_.emit(core, c.cycles(), EventKind::UartLine, "{}\"{}\"", port == UartPort::Mini ? "mini " : "", line);
  if (result_ || config_.until_line.empty() || line.find(config_.until_line) == std::string_view::npos) return;
  tracer_.emit(core, c.cycles(), EventKind::Limit, "until-line");
  result_ = RunResult{RunResult::End::UntilLine, 0, ""};
  c.end_slice();
}

// A replayed slice must start where it started when it was recorded: a core at another cycle runs
// another program, or the same one with other input or options, and the schedule would steer it blind.
bool Machine::replay_diverged(const Slice& s, const Core& c) {
  if (!s.start_cycle || *s.start_cycle == c.cycles()) return false;
  result_ = RunResult{RunResult::End::ScheduleMismatch, kExitBadInput,
                      fmt::format("schedule replay: the schedule starts a slice of core {} at cycle {}, but the core is at cycle {}",
                                  c.id(), *s.start_cycle, c.cycles())};
  return true;
}

// One system counter: a core's generic timer fires against the counter that every core reads, not
// only against the core's own clock. A core behind the latest read whose timer deadline that read has
// passed was stalled past it (pct keeps a runnable core waiting up to PctInterleaver::kMaxWaitBound
// slices): its clock moves to the deadline, so the interrupt is taken now, as the chip would.
void Machine::catch_up_expired_timer(Core& c) {
  if (c.cycles() >= counter_seen_) return;
  const std::optional<uint64_t> due = c.next_timer_deadline(local_intc_.routed_timers(c.id()));
  if (due && *due <= counter_seen_) c.advance_to(*due);
}

// Interrupts are taken only here, at the start of a slice: the trace records exactly where.
void Machine::deliver_irq(Core& c) {
  const uint32_t sources = sample_irq_lines(c);
  if (sources && c.irq_takeable()) c.take_irq(sources);
}

// The core's IRQ sources now; sources that were not there at the last look are traced as raised.
uint32_t Machine::sample_irq_lines(const Core& c) {
  const uint32_t now = local_intc_.irq_source(c.id()), raised = now & ~irq_lines_[size_t(c.id())];
  irq_lines_[size_t(c.id())] = now;
  if (raised) tracer_.emit(c.id(), c.cycles(), EventKind::IrqRaise, "sources={:#x}", raised);
  return now;
}

void Machine::settle(Core& c, const Core::SliceResult& r) {
  switch (r.reason) {
    case StopReason::Budget: break;
    case StopReason::Wfi:
    case StopReason::Wfe:
      c.set_state(r.reason == StopReason::Wfi ? CoreState::Wfi : CoreState::Wfe);
      if (tracer_.listening()) tracer_.emit(c.id(), c.cycles(), EventKind::Park, "{} pc={:#x}{}", core_state_name(c.state()), c.pc(), c.sym(c.pc()));
      break;
    case StopReason::Halt:
      c.set_state(CoreState::Halted);
      break;
  }
}

// After a slice of `writer`: its own reservation as the slice left it, and every other core's that
// the slice's stores cleared. That is a WFE wake-up event (ARM ARM, "the clearing of the global
// monitor for the PE"): the core's event register is set, so a WFE after its load-exclusive falls
// through, and a core waiting in WFE wakes. Only one core runs at a time, so looking at the end of
// each slice sees every clearing but those undone within the slice (docs/timing.md).
void Machine::clear_exclusive_monitors(Core& writer) {
  writer.settle_reservation();
  for (auto& c : cores_) {
    if (c.get() == &writer || !c->lose_reservation_if_written()) continue;
    c->set_event();
    if (c->state() == CoreState::Wfe) wake(*c, writer.cycles(), fmt::format("monitor cleared by core {}", writer.id()));
  }
}

void Machine::wake(Core& c, uint64_t at, std::string_view why) {
  c.advance_to(at);
  if (c.state() == CoreState::Wfe) c.set_event();  // the WFE it sleeps before must now fall through
  c.set_state(CoreState::Running);
  tracer_.emit(c.id(), c.cycles(), EventKind::Wake, "{}", why);
}

// A waiting core wakes when an interrupt is pending for it, or, in WFE, when its event register is
// set. WFI wakes even on a masked interrupt; WFE only on one it would take (ARM ARM: a masked
// interrupt is no WFE wake-up event), else a lock waiter with IRQs masked and its tick pending
// woke, ran a few instructions and slept again at every turn. Its clock catches up with the
// running cores first, so a timer deadline the others have passed is seen as expired.
void Machine::wake_waiting_cores() {
  const uint64_t t = running_time();
  for (auto& c : cores_) {
    if (c->state() != CoreState::Wfi && c->state() != CoreState::Wfe) continue;
    const auto d = deadline(*c);
    const bool timer_fired = d && t != ~0ull && *d <= t;  // its own timer fired while it slept
    if (timer_fired) c->advance_to(*d);
    const uint64_t running = t == ~0ull ? 0 : t;  // wake() never moves a clock back
    const bool irq = local_intc_.irq_pending(c->id()), fiq = local_intc_.fiq_source(c->id()) != 0;
    const bool interrupt = c->state() == CoreState::Wfi ? irq || fiq : (irq && c->irq_takeable()) || (fiq && !(c->pstate() & pstate::kF));
    if (interrupt) {
      wake(*c, timer_fired ? *d : running, "interrupt");
      sample_irq_lines(*c);  // traced at the time it woke, not the time it fell asleep
    } else if (c->state() == CoreState::Wfe && c->event_register()) {
      wake(*c, running, "event");
    }
  }
}

// Every core waits: jump virtual time to the earliest timer deadline among them.
bool Machine::skip_idle_time() {
  std::optional<uint64_t> earliest;
  for (const auto& c : cores_) {
    if (c->state() != CoreState::Wfi && c->state() != CoreState::Wfe) continue;
    if (auto d = deadline(*c); d && (!earliest || *d < *earliest)) earliest = d;
  }
  if (!earliest) return false;
  for (auto& c : cores_)
    if ((c->state() == CoreState::Wfi || c->state() == CoreState::Wfe) && deadline(*c) == earliest) wake(*c, *earliest, "timer (idle skip)");
  return true;
}

// ---- CoreHost ---------------------------------------------------------------------------------

// Once the run has ended (a power-off or reset request), the core finishes its slice without touching
// devices: its reads give 0 and its writes are dropped, so nothing it does after the end shows.
std::optional<uint64_t> Machine::mmio_read(int core, uint64_t pa, unsigned size) {
  if (result_) return 0;
  if (auto v = bus_.read(core, pa, size)) return v;
  return unclaimed_access(core, pa, size, std::nullopt);
}

bool Machine::mmio_write(int core, uint64_t pa, unsigned size, uint64_t value) {
  if (result_) return true;
  return bus_.write(core, pa, size, value) || unclaimed_access(core, pa, size, value).has_value();
}

// An access in the peripheral windows that no device claims. Like QEMU's "unimplemented" devices, it
// reads zero and the write is dropped, so a guest probing hardware chemu does not model goes on; it is
// reported (trace event and stderr) once per address and direction, so a polling loop does not flood
// either. With --strict-mmio it is refused instead: the core then ends the run naming the access.
std::optional<uint64_t> Machine::unclaimed_access(int core, uint64_t pa, unsigned size, std::optional<uint64_t> written) {
  if (config_.strict_mmio) return std::nullopt;
  if (unclaimed_seen_.insert({pa, written.has_value()}).second) {
    const std::string what = written ? fmt::format("write of {:#x} ({} bytes) at {:#x} ignored", *written, size, pa)
                                     : fmt::format("read of {} bytes at {:#x} reads 0", size, pa);
    guest_error(core, "unclaimed", what + ": no device modelled there");
  }
  return 0;
}

// SEV: every core's event register is set; cores parked in WFE wake; spin-table cores look at their slot.
void Machine::send_event(int by_core) {
  const uint64_t t = cores_[size_t(by_core)]->cycles();
  for (auto& c : cores_) {
    c->set_event();
    if (c->state() == CoreState::Wfe) wake(*c, t, fmt::format("event from core {}", by_core));
  }
  release_spin_table_cores(by_core);
}

void Machine::release_spin_table_cores(int by_core) {
  for (auto& c : cores_) {
    if (c->state() != CoreState::SpinTable) continue;
    const uint64_t entry = ram_.load<uint64_t>(kSpinTableSlot0 + 8 * uint64_t(c->id())).value_or(0);
    if (entry == 0) continue;
    c->advance_to(cores_[size_t(by_core)]->cycles());
    c->start_at(entry, entry_el_);
    tracer_.emit(c->id(), c->cycles(), EventKind::SpinRelease, "entry={:#x}{} by core {}", entry, c->sym(entry), by_core);
  }
}

void Machine::tlb_maintenance(int core) {
  for (auto& c : cores_)
    if (c->id() != core) c->queue_tlb_flush();
}

void Machine::code_maintenance(int core, std::optional<uint64_t> page) {
  for (auto& c : cores_)
    if (c->id() != core) c->queue_code_invalidation(page);
}

// Reads of the one system counter are monotonic in execution order across all cores: a core whose
// own clock is behind the latest read catches up to it before reading.
uint64_t Machine::counter_read(int, uint64_t cycle) {
  counter_seen_ = std::max(counter_seen_, cycle);
  return counter_seen_;
}

// A process exit code has 8 bits, and the shell would see 256 as 0, success. A status that does not
// fit gives exit code 1 and says so, instead of silently becoming another code.
void Machine::semihost_exit(int, int64_t status) {
  if (result_) return;
  if (status >= 0 && status <= 255) result_ = RunResult{RunResult::End::GuestExit, int(status), ""};
  else
    result_ = RunResult{RunResult::End::GuestExit, kExitStatusOutOfRange,
                        fmt::format("the guest exited with status {}, outside 0-255: exit code {}", status, kExitStatusOutOfRange)};
}

void Machine::console_write(int core, std::string_view text) {
  if (!result_) console_.write(core, text);
}

// A watchdog full reset through the PM block. The halt partition is the Pi's power-off: the run ends
// with status 0. Any other reset would reboot the board; chemu ends the run instead (exit 5), so a
// guest that resets by mistake does not loop through its boot forever.
void Machine::reset_requested(int core, bool power_off, uint32_t rsts) {
  if (result_) return;
  const uint64_t cycle = cores_[size_t(core)]->cycles();
  cores_[size_t(core)]->end_slice();  // nothing after the reset request runs
  if (power_off) {
    tracer_.emit(core, cycle, EventKind::PowerOff, "rsts={:#x}", rsts);
    result_ = RunResult{RunResult::End::PowerOff, 0, ""};
    return;
  }
  tracer_.emit(core, cycle, EventKind::Reset, "rsts={:#x}", rsts);
  result_ = RunResult{RunResult::End::Reset, kExitReset,
                      fmt::format("{}: the guest asked for a reset (watchdog full reset, RSTS {:#x}); chemu does not reboot",
                                  cores_[size_t(core)]->where(), rsts)};
}

void Machine::fatal_guest_error(int core, const std::string& what) {
  tracer_.emit(core, cores_[size_t(core)]->cycles(), EventKind::GuestError, "{}", what);
  if (!result_) result_ = RunResult{RunResult::End::GuestError, kExitGuestError, "guest error: " + what};
}

void Machine::guest_error(int core, std::string_view device, std::string_view what) {
  const std::string line = fmt::format("{}: {}: {}", cores_[size_t(core)]->where(), device, what);
  spdlog::warn("guest error: {}", line);
  tracer_.emit(core, cores_[size_t(core)]->cycles(), EventKind::GuestError, "{}", line);
}

}  // namespace chemu
