// Unicorn 2.1.1 crashes when its translated-code buffer fills during a run (Core::drop_all_translations
// says why); chemu empties it between slices first. With a 4 MiB buffer the shipped kernel's run fills
// it many times over: without that, this test dies of SIGSEGV. Emptying the buffer must not change the
// run: a translation holds the same instructions whenever it is made, so the blocks chemu counts, and
// with them the interleaving and the trace, stay the same.
#include <gtest/gtest.h>

#include "machine/machine.h"

namespace chemu {
namespace {

struct KernelRun {
  RunResult result;
  uint64_t trace_hash;
  std::string console;
};

KernelRun run_kernel(uint32_t translation_buffer) {
  MachineConfig config;
  config.console_out = nullptr;
  config.translation_buffer = translation_buffer;
  Machine m(config);
  m.tracer().enable_hash();
  m.load(CHEMU_KERNEL_IMAGE);
  const RunResult r = m.run();
  return {r, m.tracer().hash(), m.console().output()};
}

TEST(TranslationBuffer, AFullBufferIsEmptiedBetweenSlicesAndTheRunStaysTheSame) {
  const KernelRun small = run_kernel(4u << 20);
  const KernelRun usual = run_kernel(0);
  EXPECT_EQ(small.result.exit_code, 0);
  EXPECT_EQ(small.result.exit_code, usual.result.exit_code);
  EXPECT_EQ(small.trace_hash, usual.trace_hash);
  EXPECT_EQ(small.console, usual.console);
  EXPECT_NE(small.console.find("procmgr: all 7 child processes ended"), std::string::npos);
}

}  // namespace
}  // namespace chemu
