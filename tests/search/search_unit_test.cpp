// Unit tests of chemu search's pure parts: seed lists, shards, verdicts, schedule edits, the shrink.
#include <gtest/gtest.h>

#include "search/end_state.h"
#include "search/pool.h"
#include "search/search.h"
#include "search/seeds.h"
#include "search/shrink.h"
#include "search/verdict.h"

namespace chemu::search {
namespace {

// Catches: a range that drops its end, repeats seeds, or a garbage list accepted as seeds.
TEST(Seeds, ParsesRangesAndListsOnce) {
  EXPECT_EQ(parse_seeds("0-3"), (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(parse_seeds("7,1-2,2,9"), (std::vector<uint64_t>{7, 1, 2, 9}));
  EXPECT_THROW(parse_seeds("5-1"), std::invalid_argument);
  EXPECT_THROW(parse_seeds("a-b"), std::invalid_argument);
  EXPECT_THROW(parse_seeds(""), std::invalid_argument);
  EXPECT_THROW(parse_seeds("1,,2"), std::invalid_argument);
  EXPECT_EQ(format_seeds({9, 1, 2, 3, 7}), "1-3,7,9");
}

// Catches: shards that overlap or leave a seed out (a merged search would differ from one run).
TEST(Seeds, ShardsAreDisjointAndCoverTheList) {
  const auto seeds = parse_seeds("0-10");
  std::vector<uint64_t> all;
  for (unsigned i = 0; i < 3; ++i)
    for (uint64_t s : select_shard(seeds, Shard{i, 3})) all.push_back(s);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, seeds);
  EXPECT_EQ(select_shard(seeds, parse_shard("1/3")), (std::vector<uint64_t>{1, 4, 7, 10}));
  EXPECT_THROW(parse_shard("2/2"), std::invalid_argument);
  EXPECT_THROW(parse_shard("1"), std::invalid_argument);
  EXPECT_THROW(parse_shard("0/0"), std::invalid_argument);
}

// Catches: a failure criterion ignored, or a passing run judged failing.
TEST(Verdict, AppliesEachCriterion) {
  Criteria c;
  c.fail_on = {"BUG"};
  c.pass_on = {"all done"};
  RunOutput ok{0, 0, false, "boot\nall done\n", ""};
  EXPECT_FALSE(judge(c, ok).failed());
  RunOutput bug = ok;
  bug.console = "x\nkernel BUG at 3\nall done\n";
  EXPECT_EQ(judge(c, bug).signature, "fail-on BUG");
  EXPECT_EQ(judge(c, bug).detail, "console line: kernel BUG at 3");
  RunOutput missing = ok;
  missing.console = "boot\n";
  EXPECT_EQ(judge(c, missing).kind, "pass-on");
  RunOutput exit1 = ok;
  exit1.exit_code = 1;
  EXPECT_EQ(judge(c, exit1).signature, "exit 1");
  RunOutput dead = ok;
  dead.exit_code = 3;
  dead.errors = "chemu: every core is waiting and nothing can wake them\n";
  EXPECT_EQ(judge(c, dead).signature, "deadlock");
  RunOutput hang = ok;
  hang.exit_code = 4;
  hang.errors = "chemu: stopped after 1.000 virtual seconds (--max-time)\n";
  EXPECT_EQ(judge(c, hang).signature, "hang");
  RunOutput warn = ok;
  warn.errors = "chemu: guest error: core 0 pc=0x80000 EL1: unclaimed: read\n";
  EXPECT_EQ(judge(c, warn).kind, "guest-error");
  c.guest_errors_fail = false;
  EXPECT_FALSE(judge(c, warn).failed());
  RunOutput crash = ok;
  crash.signal = 11;
  EXPECT_EQ(judge(c, crash).kind, "crash");
}

Entries make(std::initializer_list<std::pair<int, bool>> slices) {
  Entries s;
  for (auto [core, waited] : slices) s.push_back({core, 0, 100, waited});
  return s;
}
std::vector<int> cores(const Entries& s) {
  std::vector<int> out;
  for (const auto& e : s) out.push_back(e.core);
  return out;
}

// Catches: a drop that loses or duplicates slices, that does not let the preempted core go on, or
// that moves slices across a kept preemption.
TEST(Shrink, DropLetsThePreemptedCoreGoOnInsideItsWindow) {
  const Entries s = make({{0, false}, {1, false}, {0, false}, {1, false}, {0, true}, {1, false}, {0, false}});
  EXPECT_EQ(preemption_points(s), (std::vector<size_t>{1, 2, 3, 4, 6}));  // 0 waited before slice 5
  EXPECT_EQ(cores(drop_preemptions(s, {1, 2, 3})), (std::vector<int>{0, 0, 1, 1, 0, 1, 0}));  // window 0-3: core 0 first
  EXPECT_EQ(count_preemptions(drop_preemptions(s, {1, 2, 3})), 3u);
  EXPECT_EQ(cores(drop_preemptions(s, {1})), cores(s));  // window 0-1: core 0 has nothing left in it
  EXPECT_EQ(cores(drop_preemptions(s, {})), cores(s));
  // All dropped: one window; core 0 runs up to its wait, core 1 then runs on, core 0 ends.
  EXPECT_EQ(cores(drop_preemptions(s, preemption_points(s))), (std::vector<int>{0, 0, 0, 1, 1, 1, 0}));
  // Pulled forward, core 0 runs its later slices up to its wait at once, across the preemptions.
  EXPECT_EQ(cores(pull_forward(s, 1)), (std::vector<int>{0, 0, 0, 1, 1, 1, 0}));
  EXPECT_EQ(cores(pull_forward(s, 6)), cores(s));  // nothing of core 1 after slice 6
}

// Catches, on random schedules and random sets of dropped points: a slice lost, repeated or moved
// out of its window (the slices before each kept preemption must be the recorded ones, so each core
// has run as far as recorded there), a core's slices out of order, or a dropped preemption left where
// the preempted core still had a slice later in its window.
TEST(Shrink, DropKeepsWindowsAndOrderAndRemovesWhatItCan) {
  uint64_t x = 12345;
  const auto rnd = [&](uint64_t n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return (x >> 33) % n;
  };
  for (int round = 0; round < 300; ++round) {
    Entries s;
    const size_t len = 1 + rnd(60);
    for (size_t i = 0; i < len; ++i) s.push_back({int(rnd(4)), i, 100, rnd(5) == 0, rnd(7) == 0});
    std::vector<size_t> dropped, kept;
    for (size_t p : preemption_points(s)) (round % 3 == 0 || rnd(2) ? dropped : kept).push_back(p);
    const Entries d = drop_preemptions(s, dropped);
    ASSERT_EQ(d.size(), s.size());
    std::vector<size_t> cuts = kept;  // window boundaries
    cuts.insert(cuts.begin(), 0), cuts.push_back(s.size());
    for (size_t w = 0; w + 1 < cuts.size(); ++w) {
      std::vector<uint64_t> want, got;
      for (size_t i = cuts[w]; i < cuts[w + 1]; ++i) want.push_back(s[i].start_cycle), got.push_back(d[i].start_cycle);
      std::vector<uint64_t> sorted = got;
      std::sort(sorted.begin(), sorted.end());
      ASSERT_EQ(sorted, want) << "round " << round << ": window " << cuts[w] << " lost or gained a slice";
      for (size_t i = cuts[w] + 1; i < cuts[w + 1]; ++i) {
        const bool switched = d[i].core != d[i - 1].core && !d[i - 1].forced_switch();
        const bool more_of_it = std::any_of(d.begin() + long(i), d.begin() + long(cuts[w + 1]), [&](const ScheduleEntry& e) { return e.core == d[i - 1].core; });
        ASSERT_FALSE(switched && more_of_it) << "round " << round << ": core " << d[i - 1].core << " preempted at " << i;
      }
    }
    for (int c = 0; c < kNumCores; ++c) {
      std::vector<uint64_t> order;
      for (const auto& e : d)
        if (e.core == c) order.push_back(e.start_cycle);
      ASSERT_TRUE(std::is_sorted(order.begin(), order.end())) << "round " << round << ": core " << c << " out of order";
    }
  }
}

// Catches: the shrink keeping a candidate that no longer fails, or not cutting down to the preemption
// that matters. The fake "machine" runs a candidate as given and fails as the race guest does: when
// core 1 runs between two slices of core 0. Each core's last slice ends in a wait.
TEST(Shrink, KeepsOnlyThePreemptionThatMatters) {
  Entries start;
  for (int i = 0; i < 42; ++i) start.push_back({i % 3, uint64_t(i), 100, i >= 39});
  const auto fails = [](const Entries& s) {
    bool zero = false, one_after_zero = false;
    for (const auto& e : s) {
      if (e.core == 0 && one_after_zero) return true;
      zero |= e.core == 0;
      one_after_zero |= zero && e.core == 1;
    }
    return false;
  };
  ASSERT_TRUE(fails(start));
  size_t tried = 0;
  const TryFn fake = [&](const std::vector<Entries>& cands) {
    std::vector<Trial> out;
    for (const Entries& c : cands) out.push_back({fails(c), c}), ++tried;
    return out;
  };
  for (size_t batch : {1u, 3u}) {
    const ShrinkResult r = shrink(start, fake, ShrinkOptions{60, 10000, batch});
    EXPECT_GT(r.before, 10u);
    EXPECT_TRUE(fails(r.best));
    EXPECT_EQ(r.after, 1u) << "batch " << batch;
    EXPECT_LT(r.after, r.before);
  }
  const ShrinkResult a = shrink(start, fake, ShrinkOptions{60, 10000, 1}), b = shrink(start, fake, ShrinkOptions{60, 10000, 4});
  EXPECT_EQ(cores(a.best), cores(b.best));  // the result does not depend on the batch size
}

// Catches: a disassembler that is not set up for AArch64 (the report would show nothing useful).
TEST(EndState, DisassemblesAArch64) {
  EXPECT_EQ(disassemble_one(0xd503201f, 0x80000), "nop");
  EXPECT_EQ(disassemble_one(0xd65f03c0, 0x80000), "ret");
}

TEST(Search, SummaryGroupsFailuresBySignature) {
  std::vector<SeedResult> rs{{1, Verdict{"exit", "exit status 1", "exit 1"}, 1}, {2, Verdict{}, 0}, {3, Verdict{"exit", "", "exit 1"}, 1}};
  EXPECT_EQ(summary("random", "1-3", "race.elf", 3, rs), "search: random 1-3 on race.elf: 3 of 3 seeds run, 2 failed\n  exit 1: 2 seeds: 1,3\n");
  EXPECT_EQ(shell_join({"a b", "it's", "--x=1"}), "'a b' 'it'\\''s' --x=1");
}

}  // namespace
}  // namespace chemu::search

namespace {
// Stands for chemu's run path in a pool child: what it was given, on stdout, and an exit code.
int fake_run(int argc, char** argv) {
  std::printf("ran in the child with %d arguments, last %s\n", argc, argv[argc - 1]);
  return 7;
}
}  // namespace

TEST(ProcessPool, RunsThisBinaryInTheChildAndExecsAnother) {
  chemu::search::run_self_in_child(fake_run);
  std::printf("buffered in the parent, ");  // must not reach a child's output
  chemu::search::ProcessPool pool(2);
  chemu::search::Job self, other;
  self.id = 1;
  self.argv = {chemu::search::self_exe(), "--seed", "3"};
  other.id = 2;
  other.argv = {"/bin/sh", "-c", "echo exec; exit 5"};
  pool.submit(self);
  pool.submit(other);
  std::map<uint64_t, chemu::search::Finished> done;
  while (auto f = pool.wait(30)) done[f->id] = *f;
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[1].output.console, "ran in the child with 3 arguments, last 3\n");
  EXPECT_EQ(done[1].output.exit_code, 7);
  EXPECT_EQ(done[2].output.console, "exec\n");
  EXPECT_EQ(done[2].output.exit_code, 5);
  std::printf("\n");
}
