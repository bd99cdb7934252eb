// Whole-machine tests on tiny assembly programs (tests/emu/snippets/*.S, assembled at build time).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "machine/machine.h"

namespace chemu {
namespace {

MachineConfig quiet_config() {
  MachineConfig config;
  config.console_out = nullptr;
  config.max_instructions = 10000000;  // a broken emulator ends with a limit, not a hang
  config.entry_el = 1;                 // the snippets are written for EL1 (they use the EL1 vectors)
  return config;
}

RunResult run_snippet(const std::string& name) {
  Machine m(quiet_config());
  m.load(std::string(CHEMU_SNIPPET_DIR) + "/" + name + ".elf");
  return m.run();
}

// Catches: EL0 reading the counter when CNTKCTL_EL1 forbids it (Unicorn's hooks skip the check).
TEST(MachineSnippet, El0CounterReadTrapsWhenCntkctlForbidsIt) {
  const RunResult r = run_snippet("el0_timer_trap");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: the same rule trapping accesses that CNTKCTL_EL1 allows.
TEST(MachineSnippet, El0CounterReadAllowedByCntkctl) {
  const RunResult r = run_snippet("el0_timer_allowed");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: cores drifting apart in virtual time when their instruction mixes differ (each core's
// counter comes from its own cycles; rr keeps them within two quanta of each other).
TEST(MachineSnippet, CoresReadNearlyTheSameCounter) {
  const RunResult r = run_snippet("counter_skew");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: FP/SIMD instructions running although CPACR_EL1.FPEN traps them (Unicorn ignores FPEN, so
// a lazily switching kernel leaks FP registers between threads), or a trap at the wrong instruction.
TEST(MachineSnippet, FpInstructionsTrapWhileCpacrSaysSo) {
  const RunResult r = run_snippet("fp_trap");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: running a block up to its trapping FP instruction (Unicorn's `until`, a WFI in disguise)
// showing up as a WFI trap when EL0 WFI traps (SCTLR_EL1.nTWI = 0), or a real EL0 WFI no longer trapping.
TEST(MachineSnippet, El0FpTrapMidBlockIsNotAWfiTrap) {
  const RunResult r = run_snippet("fp_trap_el0");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: a host crash (SIGSEGV inside Unicorn) when a guest arms a hardware breakpoint, and debug
// registers that do not read back what was written.
TEST(MachineSnippet, DebugRegistersAreKeptAndNeverCrash) {
  const RunResult r = run_snippet("debug_regs");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: chemu answering MRS/MSR of debug-space encodings no A53 register has (it kept the whole
// op0 = 2 space): Unicorn then re-ran the block forever (a hang) instead of raising UNDEFINED; and
// breakpoint/watchpoint controls past the A53's 6 and 4 that read back instead of UNDEFINED.
TEST(MachineSnippet, NonexistentDebugRegistersAreUndefined) {
  const RunResult r = run_snippet("debug_space_undef");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: chemu answering, at EL0, registers EL0 may not read: MPIDR_EL1 (a hang, as above) and
// PMCCNTR_EL0 while PMUSERENR_EL0 forbids it (no trap); or PMCCNTR_EL0 trapping once it is allowed.
TEST(MachineSnippet, El0ServedRegistersFollowTheAccessRules) {
  const RunResult r = run_snippet("el0_served_regs");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: chemu's copies of CPTR_EL2, CPACR_EL1 and CNTKCTL_EL1 taking the value of an MSR that the
// architecture refuses (UNDEFINED at that EL): FP/SIMD trapping afterwards, EL0 counter reads leaving
// chemu's virtual clock.
TEST(MachineSnippet, RefusedWritesLeaveChemusCopiesAlone) {
  const RunResult r = run_snippet("refused_writes_keep_copies");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: stale translated code on the core that rewrote it and did the maintenance (IC IVAU):
// Unicorn misses all but the first store to a page holding translated code.
TEST(MachineSnippet, RewrittenCodeRunsAsWrittenOnTheSameCore) {
  const RunResult r = run_snippet("stale_code_same_core");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: another core's translations of code that core 0 rewrote and made visible with IC IALLUIS
// still running (the engines share no translated code), or an unchanged page dropped wrongly.
TEST(MachineSnippet, CodeRewrittenByAnotherCoreRunsAsWrittenAfterIcIalluis) {
  const RunResult r = run_snippet("stale_code_other_core");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: MRS of S2_0_C0_C1_0 (QEMU 5.0's misplaced MDCCSR_EL0) running instead of raising
// UNDEFINED, the exception taken at the wrong instruction, or the instructions around it lost.
TEST(MachineSnippet, MisplacedMdccsrIsUndefined) {
  const RunResult r = run_snippet("mdccsr_alias_undef");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: Non-secure EL1 accesses to the secure physical timer (CNTPS_*_EL1) reported as trapped
// accesses (ESR EC 0x18, Unicorn) instead of UNDEFINED (EC 0x00, the architecture and QEMU 7.2).
TEST(MachineSnippet, SecureTimerIsUndefinedAtNonSecureEl1) {
  const RunResult r = run_snippet("secure_timer_undef");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: the A53 registers Unicorn lacks (MDCCSR_EL0, L2CTLR_EL1 and the A53's own, PMU event
// counters 4 and 5) UNDEFINED instead of answered as QEMU 7.2 does, wrong values or kept bits, the
// EL0 access rules (a trapped access with the right ISS, UNDEFINED), or the instructions around an
// answered access run twice or not at all.
TEST(MachineSnippet, RegistersUnicornLacksAreAnswered) {
  const RunResult r = run_snippet("missing_registers");
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(r.exit_code, 0);
}

// Catches: CNTPCT going backwards across cores (each core's counter followed its own cycles, so under
// pct, which lets cores drift apart, a read after another core's read could return less).
TEST(MachineSnippet, CounterNeverDecreasesAcrossCores) {
  for (SchedPolicy policy : {SchedPolicy::Pct, SchedPolicy::Random, SchedPolicy::RoundRobin}) {
    for (uint64_t seed : {1, 2, 3}) {
      MachineConfig config = quiet_config();
      config.sched = policy, config.seed = seed, config.quantum = 500;  // many switches inside the loop
      Machine m(config);
      m.load(std::string(CHEMU_SNIPPET_DIR) + "/counter_monotonic.elf");
      const RunResult r = m.run();
      EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
      EXPECT_EQ(r.exit_code, 0) << "policy " << int(policy) << " seed " << seed;
    }
  }
}

// Catches: console input not reaching the PL011 receive path (FR.RXFE, DR).
TEST(MachineSnippet, UartReceivesConsoleInput) {
  Machine m(quiet_config());
  m.console().feed_input("chemu!q");
  m.load(std::string(CHEMU_SNIPPET_DIR) + "/uart_echo.elf");
  const RunResult r = m.run();
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(m.console().output(), "chemu!q");
}

// Catches: every slice kept in memory by runs that never write the schedule (a long pct run has
// millions), and a recording that loses slices when it is asked for.
TEST(MachineSnippet, ScheduleIsRecordedOnlyWhenAskedFor) {
  for (bool record : {false, true}) {
    MachineConfig config = quiet_config();
    config.record_schedule = record;
    Machine m(config);
    m.load(std::string(CHEMU_SNIPPET_DIR) + "/counter_skew.elf");
    const RunResult r = m.run();
    ASSERT_EQ(r.end, RunResult::End::GuestExit) << r.message;
    if (!record) {
      EXPECT_TRUE(m.schedule().empty());
      continue;
    }
    uint64_t recorded = 0;
    for (const ScheduleEntry& e : m.schedule()) recorded += e.instructions;
    EXPECT_GT(m.schedule().size(), 1u);
    EXPECT_EQ(recorded, m.total_instructions());
  }
}

// ---- the exclusive monitor: a store to a reserved granule wakes WFE ---------------------------

// Keeps "core N kind details" of every park and wake.
class ParkWakeLog final : public TraceSink {
 public:
  explicit ParkWakeLog(std::vector<std::string>& out) : out_(out) {}
  void on_event(const Event& e) override { out_.push_back(fmt::format("core {} {} {}", e.core, event_kind_name(e.kind), e.details)); }

 private:
  std::vector<std::string>& out_;
};

RunResult run_logged(const std::string& name, SchedPolicy policy, uint64_t seed, std::vector<std::string>& log) {
  MachineConfig config = quiet_config();
  config.sched = policy, config.seed = seed;
  config.max_instructions = 100000000;  // pct may run the spinning core 24 slices for each of the other's
  Machine m(config);
  m.tracer().add_sink(std::make_unique<ParkWakeLog>(log), kind_bit(EventKind::Park) | kind_bit(EventKind::Wake));
  m.load(std::string(CHEMU_SNIPPET_DIR) + "/" + name + ".elf");
  return m.run();
}

bool has_line(const std::vector<std::string>& log, std::string_view start) {
  return std::any_of(log.begin(), log.end(), [&](const std::string& l) { return l.starts_with(start); });
}

// Catches: a core waiting in WFE after a load-exclusive (Linux arm64's way of waiting for a lock or
// flag) that only SEV or an interrupt could wake: core 0's plain store to the flag, with no SEV,
// left it asleep forever and the run ended at --max-instructions.
TEST(ExclusiveMonitor, StoreToTheReservedGranuleWakesAWfeWaiter) {
  for (SchedPolicy policy : {SchedPolicy::RoundRobin, SchedPolicy::Random, SchedPolicy::Pct}) {
    for (uint64_t seed : {1, 2, 3}) {
      std::vector<std::string> log;
      const RunResult r = run_logged("monitor_wake", policy, seed, log);
      const std::string what = fmt::format("policy {} seed {}", int(policy), seed);
      EXPECT_EQ(r.end, RunResult::End::GuestExit) << what << ": " << r.message;
      EXPECT_EQ(r.exit_code, 0) << what;
      EXPECT_TRUE(has_line(log, "core 1 park wfe")) << what << ": core 1 never waited";
      EXPECT_TRUE(has_line(log, "core 1 wake monitor cleared by core 0")) << what;
    }
  }
}

// Catches: a WFE that sleeps although another core's store cleared the monitor between the
// load-exclusive and the WFE (it must fall through: the clearing set the event register).
TEST(ExclusiveMonitor, WfeAfterAClearedMonitorFallsThrough) {
  for (SchedPolicy policy : {SchedPolicy::RoundRobin, SchedPolicy::Random, SchedPolicy::Pct}) {
    for (uint64_t seed : {1, 2, 3}) {
      std::vector<std::string> log;
      const RunResult r = run_logged("monitor_cleared_before_wfe", policy, seed, log);
      const std::string what = fmt::format("policy {} seed {}", int(policy), seed);
      EXPECT_EQ(r.end, RunResult::End::GuestExit) << what << ": " << r.message;
      EXPECT_EQ(r.exit_code, 0) << what;
      EXPECT_FALSE(has_line(log, "core 1 park wfe")) << what;
    }
  }
}

// Catches: WFE woken by a pending interrupt that PSTATE.I masks (only WFI wakes on those): a lock
// waiter with IRQs masked and its tick pending woke, ran a few instructions and slept again at every
// turn (the kernel's rr run went from 48K slices to 4.7M).
TEST(ExclusiveMonitor, MaskedInterruptDoesNotWakeWfe) {
  for (SchedPolicy policy : {SchedPolicy::RoundRobin, SchedPolicy::Random, SchedPolicy::Pct}) {
    std::vector<std::string> log;
    const RunResult r = run_logged("wfe_masked_irq", policy, 1, log);
    const std::string what = fmt::format("policy {}", int(policy));
    EXPECT_EQ(r.end, RunResult::End::GuestExit) << what << ": " << r.message;
    EXPECT_EQ(r.exit_code, 0) << what;
    const auto wakes = std::count_if(log.begin(), log.end(), [](const std::string& l) { return l.starts_with("core 1 wake"); });
    EXPECT_EQ(wakes, 1) << what;
    EXPECT_TRUE(has_line(log, "core 1 wake event from core 0")) << what;
  }
}

// ---- spin skip: the same run with and without it ----------------------------------------------

struct Outcome {
  RunResult result;
  uint64_t trace_hash, instructions, skipped;
  std::array<uint64_t, kNumCores> cycles, core_skipped;
  std::string console;
  uint64_t word_at_0x100000;  // what spin_stores counted
};

Outcome run_spin_snippet(const std::string& name, SchedPolicy policy, bool spin_skip, const std::string& input = "") {
  MachineConfig config = quiet_config();
  config.sched = policy;
  config.seed = 5;
  config.spin_skip = spin_skip;
  Machine m(config);
  m.tracer().enable_hash();
  m.console().feed_input(input);
  m.load(std::string(CHEMU_SNIPPET_DIR) + "/" + name + ".elf");
  Outcome o{m.run(), 0, 0, 0, {}, {}, "", 0};
  o.trace_hash = m.tracer().hash();
  o.instructions = m.total_instructions();
  o.skipped = m.skipped_instructions();
  for (int i = 0; i < kNumCores; ++i) o.cycles[size_t(i)] = m.core(i).cycles(), o.core_skipped[size_t(i)] = m.core(i).skipped_instructions();
  o.console = m.console().output();
  o.word_at_0x100000 = m.core(0).read_u64(0x100000).value_or(~0ull);
  return o;
}

// Runs the snippet with and without the skip under rr, random and pct: everything the guest and the
// trace can tell must be the same. Returns the runs with the skip.
std::vector<Outcome> expect_same_runs(const std::string& name, const std::string& input = "") {
  std::vector<Outcome> with_skip;
  for (SchedPolicy p : {SchedPolicy::RoundRobin, SchedPolicy::Random, SchedPolicy::Pct}) {
    const Outcome a = run_spin_snippet(name, p, true, input), b = run_spin_snippet(name, p, false, input);
    const std::string what = name + " policy " + std::to_string(int(p));
    EXPECT_EQ(a.result.end, RunResult::End::GuestExit) << what << ": " << a.result.message;
    EXPECT_EQ(a.result.exit_code, 0) << what;
    EXPECT_EQ(a.result.exit_code, b.result.exit_code) << what;
    EXPECT_EQ(a.trace_hash, b.trace_hash) << what;
    EXPECT_EQ(a.instructions, b.instructions) << what;
    EXPECT_EQ(a.cycles, b.cycles) << what;
    EXPECT_EQ(a.console, b.console) << what;
    EXPECT_EQ(a.word_at_0x100000, b.word_at_0x100000) << what;
    EXPECT_EQ(b.skipped, 0u) << what;
    with_skip.push_back(a);
  }
  return with_skip;
}

// Catches: a skip that changes the run (instructions, cycles, where slices end, the trace), or one
// that misses loops at a fixed point: a one-block loop, a loop with a barrier, a loop with two
// backward branches (a call to a relax function), and the waiter of the acknowledgements.
TEST(SpinSkip, FixedPointLoopsAreSkippedWithTheSameRun) {
  const std::vector<Outcome> runs = expect_same_runs("spin_fixed_point");
  const Outcome& rr = runs[0];
  for (int core = 0; core < kNumCores; ++core) EXPECT_GT(rr.core_skipped[size_t(core)], 0u) << "core " << core;
  EXPECT_GT(rr.skipped, rr.instructions / 2);
  for (const Outcome& o : runs) EXPECT_GT(o.skipped, 0u);
}

// Catches: a loop taken for a fixed point because its registers repeat although it stores (each
// iteration increments a counter in memory).
TEST(SpinSkip, LoopThatStoresIsNotSkipped) {
  const std::vector<Outcome> runs = expect_same_runs("spin_stores");
  for (const Outcome& o : runs) EXPECT_EQ(o.core_skipped[1], 0u);
  EXPECT_GT(runs[0].word_at_0x100000, 1000u);  // rr: core 1 looped for many slices
}

// Catches: a loop over a device register skipped as a fixed point (each UART read pops a byte).
TEST(SpinSkip, LoopReadingADeviceIsNotSkipped) {
  for (const Outcome& o : expect_same_runs("spin_uart_input", std::string(3000, 'a') + "q")) EXPECT_EQ(o.core_skipped[0], 0u);
}

// Catches: a loop reading the generic timer taken for a fixed point when two reads in a row
// return the same count (the skip would run past the moment the count moves on).
TEST(SpinSkip, LoopReadingTheCounterIsNotSkipped) {
  for (const Outcome& o : expect_same_runs("spin_on_counter")) EXPECT_EQ(o.core_skipped[0], 0u);
}

// Catches: NZCV left out of the compared state: this loop's registers repeat every iteration but
// its carry alternates between a short and a long path.
TEST(SpinSkip, FlagsArePartOfTheLoopState) {
  for (const Outcome& o : expect_same_runs("spin_alternating_flags")) EXPECT_EQ(o.core_skipped[1], 0u);
}

// Catches: an exception inside the loop missed because its vector branches straight back without a
// store or ERET: the registers repeat, but each iteration is a traced exception and counts towards
// the exception storm that ends this run.
TEST(SpinSkip, LoopThroughAnExceptionIsNotSkipped) {
  for (SchedPolicy p : {SchedPolicy::RoundRobin, SchedPolicy::Pct}) {
    const Outcome a = run_spin_snippet("spin_through_exception", p, true), b = run_spin_snippet("spin_through_exception", p, false);
    EXPECT_EQ(a.result.end, RunResult::End::GuestError) << a.result.message;
    EXPECT_EQ(a.result.message, b.result.message);
    EXPECT_EQ(a.trace_hash, b.trace_hash);
    EXPECT_EQ(a.instructions, b.instructions);
    EXPECT_EQ(a.skipped, 0u);
  }
}

// Catches: a skip that runs past the core's timer deadline (the interrupt would be taken late).
TEST(SpinSkip, SkippedSliceStillEndsAtTheTimerDeadline) {
  const std::vector<Outcome> runs = expect_same_runs("spin_until_timer");
  for (const Outcome& o : runs) EXPECT_GT(o.core_skipped[1], 0u);
}

}  // namespace
}  // namespace chemu
