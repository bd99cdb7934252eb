#include "search/shrink.h"

#include <algorithm>
#include <array>
#include <deque>

#include <fmt/format.h>

#include "search/pool.h"

namespace chemu::search {

namespace {
bool is_preemption(const Entries& s, size_t i) { return s[i].core != s[i - 1].core && !s[i - 1].forced_switch(); }

// Slices [b, e) of `s` in the non-preemptive order drop_preemptions states, appended to `out`.
void place_window(const Entries& s, size_t b, size_t e, Entries& out) {
  std::array<std::deque<size_t>, kNumCores> queue;  // each core's slices not yet placed, in order
  for (size_t j = b; j < e; ++j) queue[size_t(s[j].core)].push_back(j);
  std::vector<bool> placed(e - b);
  size_t oldest = b;
  const ScheduleEntry* last = nullptr;
  for (size_t n = b; n < e; ++n) {
    size_t j;
    if (last && !last->forced_switch() && !queue[size_t(last->core)].empty()) {
      j = queue[size_t(last->core)].front();
    } else {
      while (placed[oldest - b]) ++oldest;
      j = oldest;
    }
    queue[size_t(s[j].core)].pop_front();  // j is its core's first slice not yet placed
    placed[j - b] = true;
    out.push_back(s[j]);
    last = &s[j];
  }
}

bool same_slices(const Entries& a, const Entries& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const ScheduleEntry& x, const ScheduleEntry& y) {
    return x.core == y.core && x.start_cycle == y.start_cycle && x.instructions == y.instructions;
  });
}
}  // namespace

std::vector<size_t> preemption_points(const Entries& s) {
  std::vector<size_t> out;
  for (size_t i = 1; i < s.size(); ++i)
    if (is_preemption(s, i)) out.push_back(i);
  return out;
}

// One pass, linear in the slices: a window ends at each preemption that is kept.
Entries drop_preemptions(const Entries& s, const std::vector<size_t>& points) {
  std::vector<bool> dropped(s.size() + 1);
  for (size_t p : points) dropped[std::min(p, s.size())] = true;
  Entries out;
  out.reserve(s.size());
  size_t begin = 0;
  for (size_t i = 1; i <= s.size(); ++i) {
    if (i < s.size() && (!is_preemption(s, i) || dropped[i])) continue;
    place_window(s, begin, i, out);
    begin = i;
  }
  return out;
}

// The preempted core's slices from i on, up to its first forced switch, moved to just before slice i.
Entries pull_forward(const Entries& s, size_t i) {
  if (i == 0 || i >= s.size()) return s;
  Entries out(s.begin(), s.begin() + long(i)), rest;
  bool done = false;
  for (size_t j = i; j < s.size(); ++j) {
    const bool take = !done && s[j].core == s[i - 1].core;
    (take ? out : rest).push_back(s[j]);
    done |= take && s[j].forced_switch();
  }
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

namespace {
// Where the next chunk starts, how many preemptions it drops, and how far a failing one is halved.
struct Position {
  size_t from_slice = 0;  // the chunk starts at the first preemption at or after this slice
  size_t chunk = 1;
  size_t min_chunk = 1;
};

// Pass p halves a failing chunk down to first_chunk / 4^(p+1) only, then goes on past it: a kernel's
// boot, where every core talks to the others, fails at every size, and the first pass should spend
// its runs on the stretches where whole windows drop; later passes come back with smaller chunks.
Position pass_start(size_t first_chunk, unsigned pass) {
  const size_t min_chunk = pass >= 8 ? 1 : std::max<size_t>(1, first_chunk >> (2 * (pass + 1)));
  return {0, std::max(first_chunk, min_chunk), min_chunk};
}

struct Candidate {
  Entries schedule;
  size_t dropped = 0, first_slice = 0, end_slice = 0;  // the window the chunk spans
};

// The state after `at` failed: half the chunk at the same place; past it once it is the smallest.
Position after_failure(const Position& at, const std::vector<size_t>& points, size_t k) {
  if (at.chunk > at.min_chunk) return {at.from_slice, std::max(at.chunk / 2, at.min_chunk), at.min_chunk};
  return {points[k + at.chunk - 1] + 1, at.min_chunk, at.min_chunk};
}

// Up to `max` candidates, each planned as if the ones before it had failed. Edits that change
// nothing (one preemption between two kept ones has no slice to reorder) are passed over unrun.
// Returns the position after all of them failed; `pass_over` when it reached the last preemption.
Position plan(const Entries& best, Position at, size_t max, std::vector<Candidate>& out, bool& pass_over) {
  const std::vector<size_t> points = preemption_points(best);
  pass_over = false;
  while (out.size() < max) {
    const size_t k = size_t(std::lower_bound(points.begin(), points.end(), at.from_slice) - points.begin());
    if (k == points.size()) {
      pass_over = true;
      break;
    }
    at.chunk = std::min(at.chunk, points.size() - k);
    const std::vector<size_t> chunk(points.begin() + long(k), points.begin() + long(k + at.chunk));
    Candidate c{drop_preemptions(best, chunk), at.chunk, points[k] - 1, k + at.chunk < points.size() ? points[k + at.chunk] : best.size()};
    if (at.chunk == 1 && same_slices(c.schedule, best)) c.schedule = pull_forward(best, points[k]), c.end_slice = points[k] + 1;
    if (!same_slices(c.schedule, best)) out.push_back(std::move(c));
    at = after_failure(at, points, k);
  }
  return at;
}
}  // namespace

ShrinkResult shrink(const Entries& start, const TryFn& try_candidates, const ShrinkOptions& opt) {
  ShrinkResult res;
  res.best = start;
  res.before = count_preemptions(start);
  const double t0 = monotonic_seconds();
  const auto out_of_budget = [&] { return res.runs >= opt.max_runs || monotonic_seconds() - t0 >= opt.budget_seconds; };
  unsigned pass = 0;
  Position at = pass_start(opt.first_chunk, pass);
  bool kept_in_pass = false;
  while (!(res.out_of_budget = out_of_budget())) {
    std::vector<Candidate> cands;
    bool pass_over = false;
    const Position if_all_fail = plan(res.best, at, std::min(opt.batch, opt.max_runs - res.runs), cands, pass_over);
    if (cands.empty() && pass_over) {
      if (!kept_in_pass && at.min_chunk == 1) break;  // no single preemption could be dropped
      at = pass_start(opt.first_chunk, ++pass), kept_in_pass = false;
      continue;
    }
    std::vector<Entries> schedules;
    for (const Candidate& c : cands) schedules.push_back(c.schedule);
    const std::vector<Trial> trials = try_candidates(schedules);
    at = if_all_fail;
    for (size_t k = 0; k < trials.size(); ++k) {
      ++res.runs;
      const Trial& t = trials[k];
      const size_t got = count_preemptions(t.actual);
      if (!t.same_failure || t.actual.empty() || got >= count_preemptions(res.best)) continue;
      const Candidate& c = cands[k];
      res.log.push_back(fmt::format("run {}: dropped {} preemptions in slices {}-{}: fails the same way with {} preemptions ({} slices)",
                                    res.runs, c.dropped, c.first_slice, c.end_slice - 1, got, t.actual.size()));
      res.best = t.actual;
      at = Position{c.end_slice, 2 * c.dropped, at.min_chunk};  // slices before the window's end keep their numbers
      kept_in_pass = true;
      break;
    }
  }
  res.after = count_preemptions(res.best);
  return res;
}

}  // namespace chemu::search
