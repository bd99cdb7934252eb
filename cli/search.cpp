// `chemu search [options] IMAGE`: many seeds of one image, each a chemu process (see
// emulator/search/search.h); `chemu search --merge FILES...` combines the JSON lines of shards.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/subcommands.h"
#include "search/pool.h"
#include "search/search.h"

namespace chemu::cli {

int search_main(int argc, char** argv) {
  CLI::App app{"chemu search: run an image over many seeds in worker processes and keep a bug bundle for each failing seed\n"
               "  chemu search [options] IMAGE [-- more chemu options for every run]\n"
               "  chemu search --merge SHARD.jsonl...",
               "chemu search"};
  search::SearchOptions o;
  o.jobs = std::max(1u, std::thread::hardware_concurrency());
  std::string image, shard = "0/1", json_out;
  std::vector<std::string> merge, extra;
  std::string quantum, pct_depth, pct_steps, max_time, max_instructions, boot, entry_el, input, until_line;
  bool strict_mmio = false, allow_guest_errors = false;
  app.add_option("image", image, "kernel image (ELF or raw), as for chemu");
  app.add_option("--seeds", o.seeds_text, "seeds to run: ranges and lists, e.g. 0-999 or 1,5,9-12")->capture_default_str();
  app.add_option("--sched", o.sched, "interleaving policy of every run")->check(CLI::IsMember({"rr", "random", "pct", "pct-comm"}))->capture_default_str();
  app.add_option("-j,--jobs", o.jobs, "worker processes (default: the host's cores)")->check(CLI::Range(1u, 4096u));
  app.add_option("--fail-on", o.criteria.fail_on, "a run fails when a console line contains TEXT (repeatable)")->allow_extra_args(false);
  app.add_option("--pass-on", o.criteria.pass_on, "a run fails unless some console line contains TEXT (repeatable)")->allow_extra_args(false);
  app.add_flag("--allow-guest-errors", allow_guest_errors, "guest-error warnings (e.g. an unmodelled device read) do not fail a run");
  app.add_option("--stop-after", o.stop_after, "start no more seeds once K have failed");
  app.add_option("--out", o.out_dir, "directory for the bug bundles (one seed-N/ per failing seed)")->capture_default_str();
  app.add_option("--bundles", o.max_bundles, "bug bundles to make at most (0: none)")->capture_default_str();
  app.add_option("--shard", shard, "run the i-th of N disjoint parts of the seeds (i/N, 0 <= i < N)");
  app.add_option("--json", o.json_path, "write the results as JSON lines to FILE ('-': stdout), for --merge");
  app.add_option("--merge", merge, "combine the --json files of shards into one summary (no runs)");
  app.add_option("--merge-json", json_out, "with --merge: also write the combined JSON lines to FILE");
  app.add_option("--timeout", o.timeout, "host seconds a run may take before it is killed (a failure of its own; 0: none)");
  app.add_option("--chemu", o.chemu, "the chemu binary the runs execute (default: this one)");
  app.add_flag("-v,--verbose", o.verbose, "a line for every seed, not only the failing ones");
  // Options every run gets, as chemu takes them.
  app.add_option("--quantum", quantum, "chemu --quantum for every run");
  app.add_option("--pct-depth", pct_depth, "chemu --pct-depth for every run");
  app.add_option("--pct-steps", pct_steps, "chemu --pct-steps for every run");
  app.add_option("--max-time", max_time, "chemu --max-time: a run that reaches it is a hang (virtual seconds)");
  app.add_option("--max-instructions", max_instructions, "chemu --max-instructions: a run that reaches it is a hang");
  app.add_option("--boot", boot, "chemu --boot for every run");
  app.add_option("--entry-el", entry_el, "chemu --entry-el for every run");
  app.add_option("--input", input, "chemu --input for every run");
  app.add_option("--until-line", until_line, "chemu --until-line for every run");
  app.add_flag("--strict-mmio", strict_mmio, "chemu --strict-mmio for every run");
  app.add_option("extra", extra, "after --: more chemu options for every run");
  app.positionals_at_end(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "chemu search: {} (see chemu search --help)\n", e.what());
    return 2;
  }
  try {
    if (!merge.empty()) return search::merge_shards(merge, json_out);
    if (image.empty()) throw std::invalid_argument("no IMAGE to search");
    std::error_code ec;
    if (!std::filesystem::exists(image, ec)) throw std::invalid_argument(fmt::format("cannot open image '{}'", image));
    o.image = std::filesystem::absolute(image).lexically_normal().string();
    if (o.chemu.empty()) o.chemu = search::self_exe();
    o.shard = search::parse_shard(shard);
    search::parse_seeds(o.seeds_text);  // reports a bad list before any run
    o.criteria.guest_errors_fail = !allow_guest_errors;
    o.run_args = {"--sched", o.sched};
    const auto forward = [&](const char* name, const std::string& value) {
      if (!value.empty()) o.run_args.insert(o.run_args.end(), {name, value});
    };
    forward("--quantum", quantum);
    forward("--pct-depth", pct_depth);
    forward("--pct-steps", pct_steps);
    forward("--max-time", max_time);
    forward("--max-instructions", max_instructions);
    forward("--boot", boot);
    forward("--entry-el", entry_el);
    if (input == "-") throw std::invalid_argument("--input - (stdin) cannot feed many runs: name a file");
    forward("--input", input.empty() ? input : std::filesystem::absolute(input).string());
    forward("--until-line", until_line);
    if (strict_mmio) o.run_args.push_back("--strict-mmio");
    o.run_args.insert(o.run_args.end(), extra.begin(), extra.end());
    search::run_self_in_child(run_main);
    return search::run_search(o);
  } catch (const std::exception& e) {
    fmt::print(stderr, "chemu search: {}\n", e.what());
    return 2;
  }
}

}  // namespace chemu::cli
