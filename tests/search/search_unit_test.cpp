// Unit tests of chemu search's pure parts: seed lists, shards, verdicts, schedule edits, ddmin.
#include <gtest/gtest.h>

#include "search/end_state.h"
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

// Catches: a drop that loses or duplicates slices, or that does not let the preempted core go on.
TEST(Shrink, DropLetsThePreemptedCoreGoOnUntilItWaits) {
  const Entries s = make({{0, false}, {1, false}, {0, false}, {1, false}, {0, true}, {1, false}, {0, false}});
  EXPECT_EQ(preemption_points(s), (std::vector<size_t>{1, 2, 3, 4, 6}));  // 0 waited before slice 5
  const Entries d = drop_preemptions(s, {1});
  EXPECT_EQ(cores(d), (std::vector<int>{0, 0, 0, 1, 1, 1, 0}));  // core 0 runs to its wait first
  EXPECT_EQ(d.size(), s.size());
  EXPECT_EQ(count_preemptions(d), 1u);  // 1 -> 0 at the end; 0 -> 1 is now forced by core 0's wait
  EXPECT_EQ(cores(drop_preemptions(s, {})), cores(s));
}

// The edit as the shrink.h comment states it, one point at a time from the last, copying the tail
// for each: the reference the linked-list version must agree with.
Entries drop_by_copying(Entries s, std::vector<size_t> points) {
  std::sort(points.begin(), points.end(), std::greater<>());
  for (size_t i : points) {
    if (i == 0 || i >= s.size()) continue;
    Entries moved, rest;
    bool done = false;
    for (size_t j = i; j < s.size(); ++j) {
      const bool take = !done && s[j].core == s[i - 1].core;
      (take ? moved : rest).push_back(s[j]);
      done |= take && s[j].forced_switch();
    }
    s.resize(i);
    s.insert(s.end(), moved.begin(), moved.end());
    s.insert(s.end(), rest.begin(), rest.end());
  }
  return s;
}

// Catches: the fast drop moving other slices than the stated edit (a wrong block, a lost or
// repeated slice), on random schedules and random sets of points.
TEST(Shrink, DropAgreesWithTheStatedEdit) {
  uint64_t x = 12345;
  const auto rnd = [&](uint64_t n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return (x >> 33) % n;
  };
  for (int round = 0; round < 200; ++round) {
    Entries s;
    const size_t len = 1 + rnd(60);
    for (size_t i = 0; i < len; ++i) s.push_back({int(rnd(4)), i, 100 + i, rnd(5) == 0, rnd(7) == 0});
    const std::vector<size_t> all = preemption_points(s);
    std::vector<size_t> some;
    for (size_t p : all)
      if (round % 3 == 0 || rnd(2)) some.push_back(p);
    const Entries fast = drop_preemptions(s, some), slow = drop_by_copying(s, some);
    ASSERT_EQ(fast.size(), slow.size());
    for (size_t i = 0; i < fast.size(); ++i) ASSERT_EQ(fast[i].start_cycle, slow[i].start_cycle) << "round " << round << " slice " << i;
  }
}

// Catches: ddmin keeping a candidate that no longer fails, or not cutting down to the preemption
// that matters. The fake "machine" runs a candidate as given and fails as the race guest does: when
// core 1 runs between two slices of core 0. Each core's last slice ends in a wait.
TEST(Shrink, DeltaDebuggingKeepsOnlyThePreemptionThatMatters) {
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
