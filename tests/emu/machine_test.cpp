// Whole-machine tests on tiny assembly programs (tests/emu/snippets/*.S, assembled at build time).
#include <gtest/gtest.h>

#include "machine/machine.h"

namespace chemu {
namespace {

MachineConfig quiet_config() {
  MachineConfig config;
  config.console_out = nullptr;
  config.max_instructions = 10000000;  // a broken emulator ends with a limit, not a hang
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

}  // namespace
}  // namespace chemu
