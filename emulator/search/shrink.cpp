#include "search/shrink.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "search/pool.h"

namespace chemu::search {

std::vector<size_t> preemption_points(const Entries& s) {
  std::vector<size_t> out;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i].core != s[i - 1].core && !s[i - 1].forced_switch()) out.push_back(i);
  return out;
}

// Dropping the point i (from the last to the first) moves a block B to just before slice i: the
// preempted core's slices from i on, up to its first forced switch. An edit at i moves only slices at
// or after i, and every edit keeps each core's slices in their order, so slice i is still at position
// i when its turn comes and B is the same whatever the later edits did. The slices are kept in a
// linked list, so each edit costs |B| (a copy of the whole tail per point made a kernel schedule's
// 35,000 slices take minutes per candidate).
Entries drop_preemptions(Entries s, std::vector<size_t> points) {
  const size_t n = s.size();
  if (n == 0) return s;
  std::vector<size_t> next(n + 1), prev(n + 1);  // the list; node n is its head and tail
  for (size_t i = 0; i <= n; ++i) next[i] = i == n ? 0 : i + 1, prev[i] = i == 0 ? n : i - 1;
  std::array<std::vector<size_t>, kNumCores> of_core;  // each core's slices, in order
  for (size_t i = 0; i < n; ++i) of_core[size_t(s[i].core)].push_back(i);
  std::sort(points.begin(), points.end(), std::greater<>());
  for (size_t i : points) {
    if (i == 0 || i >= n) continue;
    const std::vector<size_t>& mine = of_core[size_t(s[i - 1].core)];
    for (auto it = std::lower_bound(mine.begin(), mine.end(), i); it != mine.end(); ++it) {
      const size_t b = *it;  // unlink b, then put it just before i
      next[prev[b]] = next[b], prev[next[b]] = prev[b];
      next[prev[i]] = b, prev[b] = prev[i], next[b] = i, prev[i] = b;
      if (s[b].forced_switch()) break;
    }
  }
  Entries out;
  out.reserve(n);
  for (size_t i = next[n]; i != n; i = next[i]) out.push_back(s[i]);
  return out;
}

namespace {
std::vector<size_t> without(const std::vector<size_t>& all, const std::vector<size_t>& chunk) {
  std::vector<size_t> out;
  std::set_difference(all.begin(), all.end(), chunk.begin(), chunk.end(), std::back_inserter(out));
  return out;
}
}  // namespace

ShrinkResult shrink(const Entries& start, const TryFn& try_candidates, const ShrinkOptions& opt) {
  ShrinkResult res;
  res.best = start;
  res.before = count_preemptions(start);
  const double t0 = monotonic_seconds();
  const auto out_of_budget = [&] { return res.runs >= opt.max_runs || monotonic_seconds() - t0 >= opt.budget_seconds; };
  size_t n = 2;
  while (!(res.out_of_budget = out_of_budget())) {
    const std::vector<size_t> points = preemption_points(res.best);
    if (points.empty()) break;
    n = std::min(n, points.size());
    // n chunks; candidates: drop everything but one chunk (for n > 2), then drop one chunk.
    std::vector<std::vector<size_t>> chunks;
    for (size_t k = 0; k < n; ++k)
      chunks.emplace_back(points.begin() + long(k * points.size() / n), points.begin() + long((k + 1) * points.size() / n));
    std::vector<std::vector<size_t>> drops;
    std::vector<bool> keeps_only_chunk;
    if (n > 2)
      for (const auto& c : chunks) drops.push_back(without(points, c)), keeps_only_chunk.push_back(true);
    for (const auto& c : chunks) drops.push_back(c), keeps_only_chunk.push_back(false);
    if (n == 2 && points.size() > 1) drops.insert(drops.begin(), points), keeps_only_chunk.insert(keeps_only_chunk.begin(), true);
    bool accepted = false;
    for (size_t b = 0; b < drops.size() && !accepted && !(res.out_of_budget = out_of_budget()); b += opt.batch) {
      const size_t e = std::min(drops.size(), b + std::min(opt.batch, opt.max_runs - res.runs));
      std::vector<Entries> cands;
      for (size_t k = b; k < e; ++k) cands.push_back(drop_preemptions(res.best, drops[k]));
      const std::vector<Trial> trials = try_candidates(cands);
      for (size_t k = 0; k < trials.size(); ++k) {
        ++res.runs;
        const Trial& t = trials[k];
        const size_t got = count_preemptions(t.actual);
        if (!t.same_failure || t.actual.empty() || got >= count_preemptions(res.best)) continue;
        res.log.push_back(fmt::format("run {}: dropped {} of {} preemptions: fails the same way with {} preemptions ({} slices)", res.runs,
                                      drops[b + k].size(), points.size(), got, t.actual.size()));
        res.best = t.actual;
        n = keeps_only_chunk[b + k] ? 2 : std::max<size_t>(n - 1, 2);
        accepted = true;
        break;
      }
      if (e == b) break;
    }
    if (accepted) continue;
    if (res.out_of_budget || n >= points.size()) break;
    n = std::min(2 * n, points.size());
  }
  res.after = count_preemptions(res.best);
  return res;
}

}  // namespace chemu::search
