// Unicorn 2.1.1 crashes when its translated-code buffer fills during a run (Core::drop_all_translations
// says why); chemu empties it between slices first. With a 4 MiB buffer the shipped kernel's run fills
// it again and again: without that, this test dies of SIGSEGV. Emptying the buffer must not change the
// run: a translation holds the same instructions whenever it is made, so the blocks chemu counts, and
// with them the interleaving and the trace, stay the same. The first 200M of the run's 310M instructions
// (boot, the scheduler tests, most of the IPC tests) empty it hundreds of times.
#include <gtest/gtest.h>

#include "machine/machine.h"

namespace chemu {
namespace {

struct KernelRun {
  RunResult result;
  uint64_t trace_hash;
  std::string console;
  uint64_t flushes;  // times a core emptied its buffer
};

constexpr uint64_t kInstructions = 200'000'000;

KernelRun run_kernel(uint32_t translation_buffer) {
  MachineConfig config;
  config.console_out = nullptr;
  config.translation_buffer = translation_buffer;
  config.max_instructions = kInstructions;
  Machine m(config);
  m.tracer().enable_hash();
  m.load(CHEMU_KERNEL_IMAGE);
  const RunResult r = m.run();
  uint64_t flushes = 0;
  for (int i = 0; i < kNumCores; ++i) flushes += m.core(i).translation_flushes();
  return {r, m.tracer().hash(), m.console().output(), flushes};
}

TEST(TranslationBuffer, AFullBufferIsEmptiedBetweenSlicesAndTheRunStaysTheSame) {
  const KernelRun small = run_kernel(4u << 20);
  const KernelRun usual = run_kernel(0);
  EXPECT_GE(small.flushes, 100u);  // 288 in these 200M instructions
  EXPECT_EQ(usual.flushes, 0u);
  EXPECT_EQ(small.result.exit_code, usual.result.exit_code);
  EXPECT_EQ(small.trace_hash, usual.trace_hash);
  EXPECT_EQ(small.console, usual.console);
  EXPECT_NE(small.console.find("procmgr: all 7 child processes ended"), std::string::npos);
}

}  // namespace
}  // namespace chemu
