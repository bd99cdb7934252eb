// `chemu shrink BUNDLE`: the failing schedule of a bug bundle with as few preemptions as the shrink
// finds within its budget (emulator/search/shrink.h), each candidate a chemu replay.
// Writes shrunk-schedule.txt, repro-shrunk.sh, shrink.txt and the shrunk run's trace into the bundle.
#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/subcommands.h"
#include "sched/schedule_file.h"
#include "search/bundle.h"
#include "search/pool.h"
#include "search/search.h"
#include "search/shrink.h"

namespace chemu::cli {

namespace {
struct Replayer {
  std::vector<std::string> command;  // chemu ... IMAGE, without schedule options
  ScheduleHeader header;             // what the bundle's schedule was recorded for (image, input, options)
  search::Criteria criteria;
  std::string signature;
  std::string work;  // directory for candidate files
  double timeout = 0;
  uint64_t max_instructions = 0;  // candidates stop here (0: no bound of the shrink's own)
  unsigned jobs = 1;
  bool verbose = false;  // a line on stderr per candidate

  // argv for a replay of `schedule_path`, recording what ran to `actual_path` (and more outputs).
  std::vector<std::string> argv(const std::string& schedule_path, std::vector<std::string> outputs) const {
    std::vector<std::string> a(command.begin(), command.end() - 1);
    a.insert(a.end(), {"--schedule-in", schedule_path});
    a.insert(a.end(), outputs.begin(), outputs.end());
    a.push_back(command.back());
    return a;
  }

  std::vector<search::Trial> operator()(const std::vector<search::Entries>& cands) const {
    search::ProcessPool pool(jobs);
    for (size_t i = 0; i < cands.size(); ++i) {
      const std::string in = fmt::format("{}/cand-{}.txt", work, i), out = fmt::format("{}/ran-{}.txt", work, i);
      search::write_text(in, format_schedule(Schedule{header, cands[i], /*lenient=*/true}));
      std::filesystem::remove(out);
      search::Job j;
      j.id = i;
      std::vector<std::string> extra{"--schedule-out", out};
      if (max_instructions) extra.insert(extra.end(), {"--max-instructions", std::to_string(max_instructions)});
      j.argv = argv(in, extra);
      j.timeout_seconds = timeout;
      pool.submit(std::move(j));
    }
    std::vector<search::Trial> trials(cands.size());
    while (std::optional<search::Finished> f = pool.wait(1e9)) {
      search::Trial& t = trials[f->id];
      const search::Verdict v = search::judge(criteria, f->output);
      // Stopped at the shrink's own bound: whether it would have failed the same way is not known.
      const bool bounded = max_instructions && f->output.errors.find("(--max-instructions)") != std::string::npos;
      t.same_failure = v.signature == signature && !bounded;
      try {
        t.actual = parse_schedule(search::read_whole_file(fmt::format("{}/ran-{}.txt", work, f->id))).slices;
      } catch (const std::exception&) {
        t.actual.clear();
      }
      if (verbose)
        fmt::print(stderr, "shrink: candidate {}: {} preemptions asked, {} ran; {} ({}); {:.1f} s CPU\n", f->id,
                   count_preemptions(cands[f->id]), count_preemptions(t.actual), v.signature, v.detail, f->cpu_seconds);
    }
    return trials;
  }
};

// Candidates may run this many times the instructions of the failing run. A hang on
// rq-unlocked ran 177 million instructions (its cores mostly idle); a run that passes, 3-4 times that.
constexpr uint64_t kBoundFactor = 4;

uint64_t total_instructions(const search::Entries& s) {
  uint64_t n = 0;
  for (const ScheduleEntry& e : s) n += e.instructions;
  return n;
}

std::string describe_preemptions(const search::Entries& s, size_t max_lines) {
  std::string out;
  const auto points = search::preemption_points(s);
  for (size_t k = 0; k < points.size() && k < max_lines; ++k) {
    const ScheduleEntry &from = s[points[k] - 1], &to = s[points[k]];
    out += fmt::format("  slice {}: core {} (at its cycle {}) preempted by core {} (at its cycle {})\n", points[k], from.core,
                       from.start_cycle, to.core, to.start_cycle);
  }
  if (points.size() > max_lines) out += fmt::format("  ... and {} more\n", points.size() - max_lines);
  return out;
}
}  // namespace

int shrink_main(int argc, char** argv) {
  CLI::App app{"chemu shrink: cut the preemptions of a bug bundle's failing schedule while it still fails the same way", "chemu shrink"};
  std::string bundle, chemu_bin;
  search::ShrinkOptions opt;
  unsigned jobs = 1, verify = 10;
  bool verbose = false;
  app.add_option("bundle", bundle, "a bug bundle directory written by chemu search")->required()->check(CLI::ExistingDirectory);
  app.add_option("--time-budget", opt.budget_seconds, "host seconds to spend on candidates")->capture_default_str();
  app.add_option("--max-runs", opt.max_runs, "candidate replays at most")->capture_default_str();
  app.add_option("-j,--jobs", jobs, "candidates replayed at once (the result does not depend on it)")->check(CLI::Range(1u, 256u));
  app.add_option("--verify", verify, "replays of the shrunk schedule that must all fail the same way")->capture_default_str();
  app.add_flag("-v,--verbose", verbose, "a line on stderr for each candidate replayed");
  app.add_option("--chemu", chemu_bin, "the chemu binary the replays execute (default: this one)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "chemu shrink: {} (see chemu shrink --help)\n", e.what());
    return 2;
  }
  try {
    search::run_self_in_child(run_main);
    const nlohmann::json meta = nlohmann::json::parse(search::read_whole_file(bundle + "/bundle.json"));
    Replayer r;
    r.command = meta.at("command").get<std::vector<std::string>>();
    r.command[0] = chemu_bin.empty() ? search::self_exe() : chemu_bin;
    r.criteria = search::criteria_from_json(meta.at("criteria"));
    r.signature = meta.at("signature").get<std::string>();
    r.jobs = jobs;
    r.verbose = verbose;
    // A candidate that needs far more instructions than the failing run is not kept: a bound in
    // instructions, so whether one is kept does not depend on the host (a host timeout stays, as a
    // safety net far beyond it).
    r.timeout = std::max(120.0, 30 * meta.value("cpu_seconds", 3.0));
    r.work = bundle + "/shrink-work";
    std::filesystem::create_directories(r.work);
    const Schedule recorded = parse_schedule(search::read_whole_file(bundle + "/schedule.txt"));
    r.header = recorded.header;
    const search::Entries& start = recorded.slices;
    if (std::find(r.command.begin(), r.command.end(), "--max-instructions") == r.command.end())
      r.max_instructions = kBoundFactor * std::max<uint64_t>(total_instructions(start), 1000000);

    // The recorded schedule must fail the same way when replayed as it is.
    const std::vector<search::Trial> first = r({start});
    if (!first[0].same_failure) throw std::runtime_error("the bundle's schedule.txt does not replay to the same failure (" + r.signature + ")");
    opt.batch = jobs;
    const double t0 = search::monotonic_seconds();
    const search::ShrinkResult res = search::shrink(first[0].actual, r, opt);
    const double took = search::monotonic_seconds() - t0;
    std::filesystem::remove_all(r.work);

    const std::string shrunk = bundle + "/shrunk-schedule.txt";
    search::write_text(shrunk, format_schedule(Schedule{r.header, res.best}));
    const std::vector<std::string> replay = r.argv(std::filesystem::absolute(shrunk).string(), {});
    search::write_text(bundle + "/repro-shrunk.sh",
                       fmt::format("#!/bin/sh\n# the shrunk schedule: {} preemptions (the seed's schedule had {})\n# fails: {}\nexec {} \"$@\"\n",
                                   res.after, res.before, r.signature, search::shell_join(replay)),
                       true);
    // Replay it `verify` times (the first with a trace), each must fail the same way.
    unsigned same = 0;
    for (unsigned k = 0; k < verify; ++k) {
      search::ProcessPool pool(1);
      search::Job j;
      j.argv = k == 0 ? r.argv(shrunk, {"--trace", bundle + "/shrunk-trace.txt", "--perfetto", bundle + "/shrunk-perfetto.json"})
                      : r.argv(shrunk, {});
      j.timeout_seconds = r.timeout;
      pool.submit(std::move(j));
      const auto f = pool.wait(1e9);
      same += f && search::judge(r.criteria, f->output).signature == r.signature;
    }
    std::string text = fmt::format("chemu shrink: {}\n\nfailure: {}\npreemptions: {} before, {} after ({} slices before, {} after)\n",
                                   meta.value("title", bundle), r.signature, res.before, res.after, start.size(), res.best.size());
    text += fmt::format("candidates replayed: {} in {:.1f} s{}\n", res.runs, took,
                        res.out_of_budget ? " (budget used up: more time may shrink further)" : " (no single preemption could be dropped)");
    text += fmt::format("replays of the shrunk schedule failing the same way: {}/{}\nreplay: sh repro-shrunk.sh\n\nsteps:\n", same, verify);
    for (const std::string& l : res.log) text += "  " + l + "\n";
    text += "\npreemptions left (shrunk-schedule.txt; the trace of its run is shrunk-trace.txt):\n" + describe_preemptions(res.best, 20);
    search::write_text(bundle + "/shrink.txt", text);
    fmt::print("shrink: {} -> {} preemptions in {} replays ({:.1f} s); the shrunk schedule fails the same way ({}) in {}/{} replays\n",
               res.before, res.after, res.runs, took, r.signature, same, verify);
    fmt::print("  {}/shrink.txt, {}/repro-shrunk.sh\n", bundle, bundle);
    return same == verify ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "chemu shrink: {}\n", e.what());
    return 2;
  }
}

}  // namespace chemu::cli
