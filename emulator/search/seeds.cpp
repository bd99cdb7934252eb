#include "search/seeds.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace chemu::search {

namespace {
uint64_t parse_number(const std::string& s, const std::string& whole) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
    throw std::invalid_argument(fmt::format("'{}' is not a seed list (e.g. 0-99 or 1,5,9-12)", whole));
  return std::stoull(s);
}
}  // namespace

std::vector<uint64_t> parse_seeds(const std::string& text) {
  std::vector<uint64_t> out;
  std::set<uint64_t> seen;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    const size_t dash = part.find('-');
    const uint64_t lo = parse_number(part.substr(0, dash), text);
    const uint64_t hi = dash == std::string::npos ? lo : parse_number(part.substr(dash + 1), text);
    if (hi < lo) throw std::invalid_argument(fmt::format("seed range '{}' runs backwards", part));
    if (hi - lo >= 100'000'000) throw std::invalid_argument(fmt::format("seed range '{}' is too long", part));
    for (uint64_t s = lo;; ++s) {
      if (seen.insert(s).second) out.push_back(s);
      if (s == hi) break;
    }
    start = comma + 1;
  }
  return out;
}

Shard parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  const auto bad = [&] { return std::invalid_argument(fmt::format("--shard '{}' is not i/N with 0 <= i < N", text)); };
  if (slash == std::string::npos) throw bad();
  Shard s;
  try {
    s.index = unsigned(parse_number(text.substr(0, slash), text));
    s.count = unsigned(parse_number(text.substr(slash + 1), text));
  } catch (const std::invalid_argument&) {
    throw bad();
  }
  if (s.count == 0 || s.index >= s.count) throw bad();
  return s;
}

std::vector<uint64_t> select_shard(const std::vector<uint64_t>& seeds, Shard shard) {
  std::vector<uint64_t> out;
  for (size_t p = shard.index; p < seeds.size(); p += shard.count) out.push_back(seeds[p]);
  return out;
}

std::string format_seeds(std::vector<uint64_t> seeds) {
  std::sort(seeds.begin(), seeds.end());
  seeds.erase(std::unique(seeds.begin(), seeds.end()), seeds.end());
  std::string out;
  for (size_t i = 0; i < seeds.size();) {
    size_t j = i;
    while (j + 1 < seeds.size() && seeds[j + 1] == seeds[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", seeds[i]) : fmt::format("{}-{}", seeds[i], seeds[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace chemu::search
