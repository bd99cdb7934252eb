// Seed ranges and shards: which seeds a search runs. Pure functions, unit-tested.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace chemu::search {

// "0-99", "5", "1,5,9-12" -> the seeds in that order, each once. Throws std::invalid_argument.
std::vector<uint64_t> parse_seeds(const std::string& text);

// `--shard i/N`: the i-th of N disjoint parts of a seed list (the seeds at positions p with
// p % N == i, so slow and fast seeds spread over the shards). Their union is the whole list.
struct Shard {
  unsigned index = 0, count = 1;
};
Shard parse_shard(const std::string& text);  // "0/2"; throws std::invalid_argument
std::vector<uint64_t> select_shard(const std::vector<uint64_t>& seeds, Shard shard);

// Seeds back as ranges, for summaries: {1,2,3,7} -> "1-3,7".
std::string format_seeds(std::vector<uint64_t> seeds);

}  // namespace chemu::search
