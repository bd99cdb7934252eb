// Whole-machine tests on tiny assembly programs (tests/emu/snippets/*.S, assembled at build time).
#include <gtest/gtest.h>

#include "machine/machine.h"

namespace chemu {
namespace {

RunResult run_snippet(const std::string& name) {
  MachineConfig config;
  config.console_out = nullptr;
  config.max_instructions = 10000000;  // a broken emulator ends with a limit, not a hang
  Machine m(config);
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

}  // namespace
}  // namespace chemu
