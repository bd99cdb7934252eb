// Shrinking a failing schedule: delta debugging (Zeller and Hildebrandt's ddmin) over its
// preemptions, the switches between cores the policy chose (sched/interleaver.h count_preemptions).
// A candidate drops some preemptions (drop_preemptions); it is replayed leniently and kept when it
// fails the same way with fewer preemptions, and then the schedule that actually ran (recorded by
// the replay, so it replays strictly) becomes the one to shrink further.
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

// The schedule without the preemptions at `points` (indices from preemption_points): at each, the
// preempted core goes on with its own later slices, up to and including the first one that ended
// in a wait or a spin (or all of them), before the core that preempted it runs; the other slices keep their
// order. Instruction counts are the recorded ones, so what the cores do with them may differ.
Entries drop_preemptions(Entries s, std::vector<size_t> points);

struct Trial {
  bool same_failure = false;  // failed with the same signature
  Entries actual;             // the schedule that ran (empty if none was written)
};
// Replays each candidate (leniently), in any order or in parallel; returns the trials in order.
using TryFn = std::function<std::vector<Trial>(const std::vector<Entries>& candidates)>;

struct ShrinkOptions {
  double budget_seconds = 300;  // host time
  size_t max_runs = 1000;
  size_t batch = 1;             // candidates tried at once (the worker count)
};

struct ShrinkResult {
  Entries best;
  size_t before = 0, after = 0;  // preemptions
  size_t runs = 0;               // candidate replays
  bool out_of_budget = false;
  std::vector<std::string> log;  // one line per accepted step
};

// The first success in candidate order is taken, so the result does not depend on `batch`.
ShrinkResult shrink(const Entries& start, const TryFn& try_candidates, const ShrinkOptions& opt);

}  // namespace chemu::search
