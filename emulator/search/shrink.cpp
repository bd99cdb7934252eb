#include "search/shrink.h"

#include <algorithm>

#include <fmt/format.h>

#include "search/pool.h"

namespace chemu::search {

std::vector<size_t> preemption_points(const Entries& s) {
  std::vector<size_t> out;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i].core != s[i - 1].core && !s[i - 1].forced_switch()) out.push_back(i);
  return out;
}

Entries drop_preemptions(Entries s, std::vector<size_t> points) {
  // From the last to the first: an edit at i only moves slices at or after i, so earlier indices
  // still name the same boundaries.
  std::sort(points.begin(), points.end(), std::greater<>());
  for (size_t i : points) {
    if (i == 0 || i >= s.size()) continue;
    const int preempted = s[i - 1].core;
    Entries moved, rest;
    bool done = false;
    for (size_t j = i; j < s.size(); ++j) {
      if (!done && s[j].core == preempted) {
        moved.push_back(s[j]);
        done = s[j].forced_switch();
      } else {
        rest.push_back(s[j]);
      }
    }
    s.resize(i);
    s.insert(s.end(), moved.begin(), moved.end());
    s.insert(s.end(), rest.begin(), rest.end());
  }
  return s;
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
