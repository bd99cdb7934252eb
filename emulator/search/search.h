// `chemu search`: one image over many seeds, each run a chemu process in a pool of workers, judged by
// the failure criteria; a bug bundle for each failing seed (up to a limit); results as JSON lines for
// shards run on many machines, merged by `chemu search --merge`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/seeds.h"
#include "search/verdict.h"

namespace chemu::search {

struct SearchOptions {
  std::string chemu;                  // the binary each run executes
  std::string image;                  // absolute path
  std::string sched = "random";
  std::string seeds_text = "0-99";
  Shard shard;
  std::vector<std::string> run_args;  // options every run gets (--sched first), not --seed or the image
  Criteria criteria;
  unsigned jobs = 1;
  unsigned stop_after = 0;            // stop once this many seeds failed; 0: never
  std::string out_dir = "chemu-bugs";
  unsigned max_bundles = 10;
  std::string json_path;              // JSON lines ('-': stdout); empty: none
  double timeout = 0;                 // host seconds per run; 0: none
  bool verbose = false;               // a line for every seed, not only failing ones
};

struct SeedResult {
  uint64_t seed = 0;
  Verdict verdict;
  int exit_code = 0;
};

// The command that runs one seed: chemu, the run options, --seed N, the image.
std::vector<std::string> seed_command(const SearchOptions& o, uint64_t seed);

// Runs the search; returns the process exit code (0: nothing failed, 1: some seed failed, 2: usage).
int run_search(const SearchOptions& o);

// JSON lines: a header, then one line per seed (sorted by seed), nothing that depends on the host.
nlohmann::json header_json(const SearchOptions& o, size_t seeds_in_shard);
nlohmann::json result_json(const SeedResult& r);

// The summary both a search and a merge print: the same results give the same text.
std::string summary(const std::string& sched, const std::string& seeds_text, const std::string& image,
                    size_t total_seeds, const std::vector<SeedResult>& results);

// `chemu search --merge FILES...`: checks the shards belong to one search and cover it, prints the
// summary (and writes the merged JSON lines to `json_out` when given). Returns the exit code.
int merge_shards(const std::vector<std::string>& files, const std::string& json_out);

// Shell-quoted command line.
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace chemu::search
