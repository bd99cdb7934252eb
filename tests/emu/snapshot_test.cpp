// Machine snapshots (machine/snapshot.h) on the shipped kernel: four cores, timers, IPIs, the UART,
// user processes. A snapshot taken between slices and restored later must give back the same
// machine: the run from it is the run that followed it the first time.
#include <gtest/gtest.h>

#include <cstring>

#include <optional>
#include <string>
#include <vector>

#include "machine/machine.h"

namespace chemu {
namespace {

struct View {
  uint64_t trace_hash, instructions, slices, ram_hash;
  std::string console;
  std::vector<uint64_t> cores;  // per core: PC, SP, X0-X28, cycles, instructions, state
  bool operator==(const View&) const = default;
};

uint64_t hash_ram(const GuestRam& ram) {
  uint64_t h = 0xcbf29ce484222325ull;
  const uint8_t* p = const_cast<GuestRam&>(ram).data();
  for (uint64_t i = 0; i < GuestRam::size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
  }
  return h;
}

View view_of(Machine& m) {
  View v{m.tracer().hash(), m.total_instructions(), m.slices(), hash_ram(m.ram()), m.console().output(), {}};
  for (int i = 0; i < kNumCores; ++i) {
    Core& c = m.core(i);
    v.cores.push_back(c.pc());
    v.cores.push_back(c.reg(UC_ARM64_REG_SP));
    for (int r = 0; r <= 28; ++r) v.cores.push_back(c.reg(UC_ARM64_REG_X0 + r));
    v.cores.insert(v.cores.end(), {c.cycles(), c.instructions(), uint64_t(c.state())});
  }
  return v;
}

// Takes a snapshot once `at` instructions have run, looks at the machine `then` instructions later,
// goes back to the snapshot, and looks again at the same point; then lets the run go on to its end.
class GoBackOnce final : public MachineDebugger {
 public:
  GoBackOnce(Machine& m, uint64_t at, uint64_t then) : m_(m), at_(at), then_(then) {}
  std::vector<View> views;
  uint64_t snapshot_at = 0;

  void run_starts() override {}
  void run_ended(const RunResult&) override {}
  void before_instruction(int, uint64_t) override {}
  void memory_access(int, uint64_t, unsigned, bool) override {}
  void slice_ended(int) override {
    const uint64_t n = m_.total_instructions();
    if (!snapshot_ && n >= at_) {
      snapshot_ = m_.take_snapshot();
      snapshot_at = n;
    } else if (snapshot_ && views.size() < 2 && n >= snapshot_at + then_) {
      views.push_back(view_of(m_));
      if (views.size() == 1) m_.restore_snapshot(*snapshot_);
    }
  }

 private:
  Machine& m_;
  uint64_t at_, then_;
  std::optional<size_t> snapshot_;
};

MachineConfig kernel_config(SchedPolicy sched, uint64_t seed) {
  MachineConfig config;
  config.console_out = nullptr;
  config.sched = sched;
  config.seed = seed;
  config.max_instructions = 70'000'000;  // the kernel runs about 950 million
  return config;
}

struct Outcome {
  RunResult result;
  View end;
};

Outcome run_kernel(Machine& m, MachineDebugger* debugger) {
  m.tracer().enable_hash();
  m.load(CHEMU_KERNEL_IMAGE);
  if (debugger) m.set_debugger(debugger);
  const RunResult r = m.run();
  return {r, view_of(m)};
}

void expect_restore_repeats_the_run(SchedPolicy sched, uint64_t seed) {
  Machine plain(kernel_config(sched, seed));
  const Outcome without = run_kernel(plain, nullptr);
  Machine m(kernel_config(sched, seed));
  GoBackOnce driver(m, 30'000'000, 25'000'000);
  const Outcome with = run_kernel(m, &driver);
  ASSERT_EQ(driver.views.size(), 2u) << "the run ended before the second look: " << with.result.message << " at " << with.end.instructions;
  EXPECT_TRUE(driver.views[0] == driver.views[1]) << "the machine differs after going back to the snapshot";
  EXPECT_EQ(driver.views[0].trace_hash, driver.views[1].trace_hash);
  EXPECT_EQ(driver.views[0].ram_hash, driver.views[1].ram_hash);
  EXPECT_EQ(driver.views[0].cores, driver.views[1].cores);
  EXPECT_EQ(driver.views[0].console, driver.views[1].console);
  EXPECT_EQ(with.result.exit_code, without.result.exit_code);
  EXPECT_TRUE(with.end == without.end) << "the whole run differs from the run without a snapshot";
  EXPECT_EQ(with.end.trace_hash, without.end.trace_hash);
}

// Catches: state a snapshot misses (a device register, a field a core keeps beside its engine, RAM
// written where the journal does not look, the engine's TLB or translations of the other timeline).
TEST(MachineSnapshot, RestoreRepeatsTheRunRoundRobin) { expect_restore_repeats_the_run(SchedPolicy::RoundRobin, 0); }

// Catches: the interleaver's RNG or position not restored (random draws other slices after it).
TEST(MachineSnapshot, RestoreRepeatsTheRunRandom) { expect_restore_repeats_the_run(SchedPolicy::Random, 3); }

// Catches: the journal putting back the wrong bytes, or keeping pages it should have dropped.
TEST(RamJournal, RewindPutsBackPagesWrittenSinceTheMark) {
  GuestRam ram;
  RamJournal journal(ram);
  ram.set_journal(&journal);
  ram.store<uint64_t>(0x1000, 1);  // before any mark: not kept
  const size_t m0 = journal.mark();
  ram.store<uint64_t>(0x1000, 2);
  ram.store<uint64_t>(0x1ffc, 3);  // crosses into the next page
  const size_t m1 = journal.mark();
  ram.store<uint64_t>(0x1000, 4);
  EXPECT_EQ(journal.pages_kept(m0), 2u);
  EXPECT_EQ(journal.pages_kept(m1), 1u);
  EXPECT_EQ(journal.rewind_to(m1), std::vector<uint64_t>{0x1000});
  EXPECT_EQ(ram.load<uint64_t>(0x1000), 2u);
  EXPECT_EQ(journal.rewind_to(m0), (std::vector<uint64_t>{0x1000, 0x2000}));
  EXPECT_EQ(ram.load<uint64_t>(0x1000), 1u);
  EXPECT_EQ(ram.load<uint64_t>(0x1ffc), 0u);
  EXPECT_EQ(journal.marks(), 1u);
}

}  // namespace
}  // namespace chemu
