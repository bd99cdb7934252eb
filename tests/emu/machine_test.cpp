// Whole-machine tests on tiny assembly programs (tests/emu/snippets/*.S, assembled at build time).
#include <gtest/gtest.h>

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

// Catches: console input not reaching the PL011 receive path (FR.RXFE, DR).
TEST(MachineSnippet, UartReceivesConsoleInput) {
  Machine m(quiet_config());
  m.console().feed_input("chemu!q");
  m.load(std::string(CHEMU_SNIPPET_DIR) + "/uart_echo.elf");
  const RunResult r = m.run();
  EXPECT_EQ(r.end, RunResult::End::GuestExit) << r.message;
  EXPECT_EQ(m.console().output(), "chemu!q");
}

}  // namespace
}  // namespace chemu
