// A bug bundle: one directory per failing seed with everything needed to look at the failure and to
// reproduce it: repro.sh (the exact command), console.txt, stderr.txt, schedule.txt, trace.txt,
// perfetto.json, cores.txt (chemu --report), report.txt (the summary of all that) and bundle.json
// (what `chemu shrink` reads: the command and the failure criteria).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/pool.h"
#include "search/verdict.h"

namespace chemu::search {

struct BundleSpec {
  std::string dir;
  std::vector<std::string> command;  // the run that failed (argv, argv[0] = chemu)
  Criteria criteria;
  Verdict verdict;                   // how it failed the first time
  std::string title;                 // e.g. "seed 6 (--sched random) of /path/race.elf"
  double timeout = 0;
};

// The re-run that fills the bundle: the same command plus the trace, Perfetto, schedule and report
// outputs (which never change a run).
Job bundle_job(const BundleSpec& spec, uint64_t id);
// Writes report.txt, repro.sh and bundle.json once the re-run ended. Returns false (and says so in
// the report) if the re-run did not fail the same way.
bool finish_bundle(const BundleSpec& spec, const Finished& rerun);

// The last `per_core` trace lines of each core (and machine-wide lines), from a text trace.
std::string last_events(const std::string& trace_path, size_t per_core);

nlohmann::json criteria_json(const Criteria& c);
Criteria criteria_from_json(const nlohmann::json& j);
bool write_text(const std::string& path, const std::string& text, bool executable = false);

}  // namespace chemu::search
