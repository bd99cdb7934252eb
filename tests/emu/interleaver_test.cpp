#include "sched/interleaver.h"
#include "sched/schedule_file.h"

#include <set>

#include <gtest/gtest.h>

namespace chemu {
namespace {

constexpr Runnable kAll{true, true, true, true};

// Catches: rr skipping a core, or running a core that cannot run.
TEST(RoundRobin, VisitsRunnableCoresInTurn) {
  RoundRobin rr(100);
  std::vector<int> order;
  for (int i = 0; i < 6; ++i) order.push_back(rr.next(kAll).core);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 0, 1}));
  const Runnable only_1_and_3{false, true, false, true};
  EXPECT_EQ(rr.next(only_1_and_3).core, 3);
  EXPECT_EQ(rr.next(only_1_and_3).core, 1);
  EXPECT_EQ(rr.next(only_1_and_3).budget, 100u);
}

std::vector<Slice> draw(Interleaver& il, const Runnable& r, int n) {
  std::vector<Slice> out;
  for (int i = 0; i < n; ++i) out.push_back(il.next(r));
  return out;
}
bool same(const std::vector<Slice>& a, const std::vector<Slice>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].core != b[i].core || a[i].budget != b[i].budget) return false;
  return true;
}

// Catches: a seed that does not fix the schedule, or seeds that all give the same one.
TEST(RandomInterleaver, SameSeedSameSlicesOtherSeedOtherSlices) {
  RandomInterleaver a(42, 1000), b(42, 1000), c(43, 1000);
  const auto sa = draw(a, kAll, 200), sb = draw(b, kAll, 200), sc = draw(c, kAll, 200);
  EXPECT_TRUE(same(sa, sb));
  EXPECT_FALSE(same(sa, sc));
  std::set<int> cores;
  for (const Slice& s : sa) {
    cores.insert(s.core);
    EXPECT_GE(s.budget, 1000u / 8);
    EXPECT_LE(s.budget, 2000u);
  }
  EXPECT_EQ(cores.size(), 4u);
  const Runnable only_2{false, false, true, false};
  for (const Slice& s : draw(a, only_2, 20)) EXPECT_EQ(s.core, 2);
}

// Catches: PCT not running the top-priority core, or never letting a spinning core's peers run.
TEST(PctInterleaver, RunsTopPriorityAndLetsOthersRunNowAndThen) {
  PctInterleaver p(7, 100, /*depth=*/1, /*steps=*/1000);  // depth 1: no change points
  const auto s = draw(p, kAll, 100);
  int top = s[0].core, others = 0;
  for (const Slice& x : s) others += x.core != top;
  EXPECT_GT(others, 0);   // the waiting bound lets the others run now and then
  EXPECT_LT(others, 20);  // but the top core runs most slices
  PctInterleaver q(7, 100, 1, 1000);
  EXPECT_TRUE(same(s, draw(q, kAll, 100)));  // and the seed fixes it all
}

// Catches: a runnable core kept waiting longer than the documented bound, whatever the priorities,
// change points and cores that come and go (a core the top cores keep passing between themselves
// starved without limit under the old patience rule).
TEST(PctInterleaver, NoRunnableCoreWaitsPastTheBound) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    PctInterleaver p(seed, 100, /*depth=*/3, /*steps=*/500);
    Rng coin(seed + 1000);
    std::array<uint64_t, kNumCores> waited{};
    uint64_t worst = 0;
    for (int i = 0; i < 5000; ++i) {
      Runnable r{};
      for (int c = 0; c < kNumCores; ++c) r[size_t(c)] = c == 3 || coin.below(4) != 0;  // core 3 always runnable
      const int core = p.next(r).core;
      ASSERT_TRUE(r[size_t(core)]);
      for (int c = 0; c < kNumCores; ++c) {
        waited[size_t(c)] = r[size_t(c)] && c != core ? waited[size_t(c)] + 1 : 0;
        worst = std::max(worst, waited[size_t(c)]);
      }
    }
    EXPECT_LE(worst, PctInterleaver::kMaxWaitBound) << "seed " << seed;
    EXPECT_GE(worst, PctInterleaver::kMaxWait) << "seed " << seed;  // the bound, not luck, let them run
  }
}

TEST(PctInterleaver, ChangePointsDemoteTheRunningCore) {
  PctInterleaver p(3, 100, /*depth=*/3, /*steps=*/10);  // two change points within 10 slices
  std::vector<int> firsts;
  for (const Slice& x : draw(p, kAll, 30)) firsts.push_back(x.core);
  EXPECT_NE(firsts.front(), firsts.back());  // after both change points another core leads
}

// Catches: pct-comm counting slices instead of communication events, or not ending the slice at the
// change point's event (the preemption would land anywhere in the slice, as plain pct's does).
TEST(PctInterleaver, OverCommunicationsCountsEventsAndCutsAtTheChangePoint) {
  PctInterleaver p(5, 100, /*depth=*/2, /*steps=*/50, /*over_communications=*/true);  // one change point in 1..50
  Slice s = p.next(kAll);
  const int first = s.core;
  const uint64_t at = s.communication_limit;  // events until the change point
  ASSERT_GE(at, 1u);
  ASSERT_LE(at, 50u);
  for (int i = 0; i < 10; ++i) {  // slices without events: no step passes, the limit stays
    p.slice_ended(0);
    s = p.next(kAll);
    if (s.core != first) continue;  // the waiting bound let another core run
    EXPECT_EQ(s.communication_limit, at);
  }
  uint64_t left = at;
  while (left > 1) {  // events one by one up to just before the change point: the leader keeps running
    p.slice_ended(1);
    --left;
    s = p.next(kAll);
    if (s.core == first) {
      EXPECT_EQ(s.communication_limit, left);
    }
  }
  p.slice_ended(1);  // the change point's event: the leader drops below every other core
  int others = 0;
  for (int i = 0; i < 20; ++i) {
    s = p.next(kAll);
    others += s.core != first;
    EXPECT_EQ(s.communication_limit, 0u);  // no change point left
    p.slice_ended(3);
  }
  EXPECT_EQ(others, 20);
  PctInterleaver plain(5, 100, 2, 50);
  EXPECT_EQ(plain.next(kAll).communication_limit, 0u);  // plain pct never cuts at events
}

// Catches: a replay that quietly diverges instead of reporting it.
TEST(ReplayInterleaver, FollowsTheRecordAndReportsDivergence) {
  ReplayInterleaver r({{2, 0, 50}, {0, 0, 70}});
  const Slice a = r.next(kAll);
  EXPECT_EQ(a.core, 2);
  EXPECT_EQ(a.budget, 50u);
  EXPECT_THROW(r.next({false, true, true, true}), ScheduleMismatch);  // core 0 cannot run here
  ReplayInterleaver done({{1, 0, 5}});
  done.next(kAll);
  EXPECT_THROW(done.next(kAll), ScheduleMismatch);
}

// Catches: a lenient replay that stops at a core that cannot run or at the end of the schedule
// instead of going on (shrink's edited schedules rely on both), or one that forgets the order.
TEST(ReplayInterleaver, LenientSkipsBlockedCoresThenGoesRoundRobin) {
  ReplayInterleaver r({{2, 0, 50}, {0, 0, 70}, {1, 0, 30}}, /*quantum=*/100);
  EXPECT_EQ(r.next(kAll).core, 2);
  const Slice s = r.next({false, true, true, true});  // core 0 cannot run: its slice is skipped
  EXPECT_EQ(s.core, 1);
  EXPECT_EQ(s.budget, 30u);
  const Slice rr1 = r.next(kAll), rr2 = r.next(kAll);  // past the end: round-robin after core 1
  EXPECT_EQ(rr1.core, 2);
  EXPECT_EQ(rr1.budget, 100u);
  EXPECT_EQ(rr2.core, 3);
  // A slice that ended in a wait when recorded goes on while its core can still run, within bounds.
  ReplayInterleaver w({{1, 0, 50, true}, {2, 0, 10, false}}, /*quantum=*/40);
  EXPECT_EQ(w.next(kAll).budget, 50u);
  EXPECT_EQ(w.next(kAll).core, 1);  // core 1 did not wait this time: it goes on (40 + 10 of 50 more)
  const Slice more = w.next(kAll);
  EXPECT_EQ(more.core, 1);
  EXPECT_EQ(more.budget, 10u);
  EXPECT_EQ(w.next(kAll).core, 2);  // its extra is used up (or it waited): the schedule goes on
}

// Catches: a lenient replay that extends a `w` slice whose core did wait but was woken at once (an
// event pending under WFE): the unedited schedule then replays as another run, and chemu shrink
// started from that run (on enqueue-before-ctx seed 7, 34 preemptions instead of the seed's 105).
TEST(ReplayInterleaver, LenientDoesNotExtendASliceWhoseCoreWaited) {
  ReplayInterleaver w({{1, 0, 50, true}, {2, 0, 10, false}}, /*quantum=*/40);
  EXPECT_EQ(w.next(kAll).core, 1);
  w.core_waited(1);
  EXPECT_EQ(w.next(kAll).core, 2);  // core 1 is runnable again, but it waited as recorded
}

// Catches: counting a switch forced by a waiting core as a preemption, or missing a chosen one.
TEST(ScheduleFile, CountsOnlyChosenSwitchesAsPreemptions) {
  const std::vector<ScheduleEntry> s{{0, 0, 10, false}, {0, 0, 10, false}, {1, 0, 10, true},
                                     {0, 0, 10, false}, {1, 0, 10, false}, {2, 0, 10, true}};
  EXPECT_EQ(count_preemptions(s), 3u);  // 0->1, 0->1 and 1->2 (the core could go on); 1->0 was forced
}

// Catches: a header or slice the parser gets wrong, and malformed lines taken as slices (a sign
// wrapped to 2^64-1, trailing text, a missing column or header).
TEST(ScheduleFile, RoundTripsAndRejectsGarbage) {
  const Schedule in{{0x0123456789abcdefull, 0xfedcba9876543210ull, 42, "spin-table", 1}, {{0, 0, 20000}, {3, 17, 5}}};
  const Schedule out = parse_schedule(format_schedule(in));
  EXPECT_EQ(out.header, in.header);
  ASSERT_EQ(out.slices.size(), 2u);
  EXPECT_EQ(out.slices[1].core, 3);
  EXPECT_EQ(out.slices[1].start_cycle, 17u);
  EXPECT_EQ(out.slices[1].instructions, 5u);
  EXPECT_FALSE(out.lenient);
  Schedule marked = in;  // the fourth column and the lenient line
  marked.lenient = true, marked.slices[0].waited = true, marked.slices[1].spun = true;
  const Schedule back = parse_schedule(format_schedule(marked));
  EXPECT_TRUE(back.lenient);
  EXPECT_TRUE(back.slices[0].waited && !back.slices[0].spun);
  EXPECT_TRUE(back.slices[1].spun && !back.slices[1].waited);
  const std::string header = "chemu-schedule v2 image=1 input=2 seed=3 boot=auto entry-el=0\n";
  EXPECT_EQ(parse_schedule(header + "# a comment\n1 2 3\n").slices.size(), 1u);
  for (const char* bad_slice : {"0 1\n", "7 0 10\n", "0 -1 10\n", "0 0 10 x\n", "0 0 1e3\n", "# only a comment\n", ""})
    EXPECT_THROW(parse_schedule(header + bad_slice), ScheduleMismatch) << bad_slice;
  for (const char* bad_header : {"# chemu schedule v1: core start_cycle instructions\n", "chemu-schedule v2 image=1\n",
                                 "chemu-schedule v2 image=1 input=2 seed=3 boot=sideways entry-el=0\n",
                                 "chemu-schedule v2 image=1 input=2 seed=-3 boot=auto entry-el=0\n", "0 0 10\n"})
    EXPECT_THROW(parse_schedule(std::string(bad_header) + "0 0 10\n"), ScheduleMismatch) << bad_header;
}

}  // namespace
}  // namespace chemu
