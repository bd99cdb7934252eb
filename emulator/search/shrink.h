// Shrinking a failing schedule: fewer preemptions, the switches between cores the policy chose
// (sched/interleaver.h count_preemptions), while it still fails the same way.
// A candidate drops a run of consecutive preemptions (drop_preemptions) and is replayed leniently; it
// is kept when it fails the same way with fewer preemptions, and then the schedule that actually ran
// (recorded by the replay, so it replays strictly) becomes the one to shrink further.
//
// A dropped preemption only reorders slices inside a window that ends at the next kept preemption, so
// every core has run the same instructions as recorded when the window ends: where the cores did not
// talk to each other inside it, the rest of the run is the recorded one, failure included. (Moving a
// core's later slices up from anywhere in the schedule instead changed every later slice of a kernel
// run: on rq-unlocked's hang no candidate in 30 failed the same way, while windows of 100-300 slices
// still did.)
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sched/interleaver.h"

namespace chemu::search {

using Entries = std::vector<ScheduleEntry>;

// Indices i of the slices a preemption switched to (entries[i - 1] could have gone on).
std::vector<size_t> preemption_points(const Entries& s);

// The schedule without the preemptions at `points` (indices from preemption_points). The kept
// preemptions cut it into windows; inside a window holding a dropped point the slices are put in a
// non-preemptive order: a core whose slice did not end in a wait or a spin goes on with its own next
// slice in the window, and only when it has none left, or waited, does the earliest slice not yet
// placed run. Each core's slices keep their order, each window its slices; a window without a dropped
// point is unchanged. Instruction counts are the recorded ones, so what the cores do may differ.
Entries drop_preemptions(const Entries& s, const std::vector<size_t>& points);

// The edit for a single preemption whose window has nothing to reorder: the preempted core's own
// later slices, from anywhere after i up to and including its first one that ended in a wait or a
// spin, run before slice i. Everything after i may move.
Entries pull_forward(const Entries& s, size_t i);

struct Trial {
  bool same_failure = false;  // failed with the same signature
  Entries actual;             // the schedule that ran (empty if none was written)
};
// Replays each candidate (leniently), in any order or in parallel; returns the trials in order.
using TryFn = std::function<std::vector<Trial>(const std::vector<Entries>& candidates)>;

struct ShrinkOptions {
  double budget_seconds = 300;  // host time (a stop, not part of the result when max_runs ends first)
  size_t max_runs = 1000;
  size_t batch = 1;             // candidates tried at once (the worker count)
  size_t first_chunk = 32;      // preemptions dropped at once at the start of a pass
};

struct ShrinkResult {
  Entries best;
  size_t before = 0, after = 0;  // preemptions
  size_t runs = 0;               // candidate replays
  bool out_of_budget = false;
  std::vector<std::string> log;  // one line per accepted step
};

// Passes over the preemptions from the first to the last: drop a chunk of them; kept: go on after it
// with a chunk twice as long; not kept: half as long at the same place, down to the pass's smallest
// chunk (first_chunk / 4, / 16, ..., 1), then on past it; a single preemption whose window has
// nothing to reorder is pulled forward instead. Passes repeat until one with chunks of a single
// preemption keeps nothing. Candidates are planned as if the ones before them failed and the
// first success in that order is taken, so the result does not depend on `batch`.
ShrinkResult shrink(const Entries& start, const TryFn& try_candidates, const ShrinkOptions& opt);

}  // namespace chemu::search
