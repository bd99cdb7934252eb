#include "search/search.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "search/bundle.h"
#include "search/pool.h"

namespace chemu::search {

namespace {
constexpr uint64_t kBundleJob = uint64_t(1) << 63;  // job ids: seed index, or this bit + seed index

// The progress line: live on a terminal (rewritten in place on stderr), plain lines every 10 s
// otherwise. Failures go to stdout as lines of their own.
class Progress {
 public:
  Progress(size_t total) : total_(total), tty_(isatty(2)), start_(monotonic_seconds()), last_(start_) {}
  void update(size_t done, size_t failed, bool force = false) {
    const double now = monotonic_seconds();
    if (!force && now - last_ < (tty_ ? 0.2 : 10.0)) return;
    last_ = now;
    const double rate = double(done) / std::max(now - start_, 1e-6);
    const double eta = rate > 0 ? double(total_ - done) / rate : 0;
    const std::string eta_text = done ? fmt::format("{}:{:02}", int(eta) / 60, int(eta) % 60) : "?";
    const std::string line = fmt::format("search: {}/{} seeds, {} failed, {:.1f} runs/s, ETA {}", done, total_, failed, rate, eta_text);
    if (tty_) fmt::print(stderr, "\r\033[K{}", line);
    else fmt::print(stderr, "{}\n", line);
    std::fflush(stderr);
    shown_ = tty_;
  }
  void println(const std::string& text) {  // a line on stdout, below the live line
    if (shown_) fmt::print(stderr, "\r\033[K");
    fmt::print("{}\n", text);
    std::fflush(stdout);
    shown_ = false;
  }
  void finish() {
    if (shown_) fmt::print(stderr, "\r\033[K");
    shown_ = false;
  }
  double elapsed() const { return monotonic_seconds() - start_; }

 private:
  size_t total_;
  bool tty_, shown_ = false;
  double start_, last_;
};

// chemu's own usage error (bad option, unreadable image): one "chemu: ..." line, no console.
bool usage_error(const RunOutput& o) {
  return o.exit_code == 2 && !o.signal && o.console.empty() && o.errors.rfind("chemu: ", 0) == 0;
}
}  // namespace

std::string shell_join(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    if (!a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == std::string::npos) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::vector<std::string> seed_command(const SearchOptions& o, uint64_t seed) {
  std::vector<std::string> argv{o.chemu};
  argv.insert(argv.end(), o.run_args.begin(), o.run_args.end());
  argv.insert(argv.end(), {"--seed", std::to_string(seed), o.image});
  return argv;
}

nlohmann::json header_json(const SearchOptions& o, size_t seeds_in_shard) {
  return {{"chemu_search", 1},
          {"image", std::filesystem::path(o.image).filename().string()},
          {"sched", o.sched},
          {"seeds", o.seeds_text},
          {"shard", fmt::format("{}/{}", o.shard.index, o.shard.count)},
          {"seeds_in_shard", seeds_in_shard},
          {"run_args", o.run_args},
          {"criteria", criteria_json(o.criteria)}};
}

nlohmann::json result_json(const SeedResult& r) {
  return {{"seed", r.seed},
          {"result", r.verdict.failed() ? "fail" : "ok"},
          {"kind", r.verdict.kind},
          {"signature", r.verdict.signature},
          {"detail", r.verdict.detail},
          {"exit", r.exit_code}};
}

std::string summary(const std::string& sched, const std::string& seeds_text, const std::string& image, size_t total_seeds,
                    const std::vector<SeedResult>& results) {
  std::map<std::string, std::vector<uint64_t>> by_signature;
  size_t failed = 0;
  for (const SeedResult& r : results)
    if (r.verdict.failed()) ++failed, by_signature[r.verdict.signature].push_back(r.seed);
  std::string out = fmt::format("search: {} {} on {}: {} of {} seeds run, {} failed\n", sched, seeds_text, image, results.size(),
                                total_seeds, failed);
  for (const auto& [sig, seeds] : by_signature)
    out += fmt::format("  {}: {} seed{}: {}\n", sig, seeds.size(), seeds.size() == 1 ? "" : "s", format_seeds(seeds));
  return out;
}

int run_search(const SearchOptions& o) {
  const std::vector<uint64_t> all = parse_seeds(o.seeds_text);
  const std::vector<uint64_t> seeds = select_shard(all, o.shard);
  ProcessPool pool(o.jobs);
  for (size_t i = 0; i < seeds.size(); ++i) {
    Job j;
    j.id = i;
    j.argv = seed_command(o, seeds[i]);
    j.timeout_seconds = o.timeout;
    pool.submit(std::move(j));
  }
  std::vector<SeedResult> results;
  std::map<uint64_t, BundleSpec> bundles;  // by job id
  size_t failed = 0, bundles_made = 0;
  double cpu = 0;
  Progress progress(seeds.size());
  bool stopped = false;
  for (;;) {
    std::optional<Finished> f = pool.wait(0.5);
    if (!f) {
      if (!pool.running() && !pool.queued()) break;
      progress.update(results.size(), failed);
      continue;
    }
    if (f->id & kBundleJob) {
      const BundleSpec& spec = bundles.at(f->id);
      const bool same = finish_bundle(spec, *f);
      progress.println(fmt::format("  bundle: {}/report.txt{}", spec.dir, same ? "" : " (NOT REPRODUCED, see the report)"));
      continue;
    }
    const uint64_t seed = seeds[f->id];
    if (usage_error(f->output)) {
      progress.finish();
      pool.cancel_all();
      fmt::print(stderr, "{}", f->output.errors);
      return 2;
    }
    cpu += f->cpu_seconds;
    SeedResult r{seed, judge(o.criteria, f->output), f->output.exit_code};
    if (r.verdict.failed()) {
      ++failed;
      progress.println(fmt::format("seed {}: FAIL {}: {}", seed, r.verdict.signature, r.verdict.detail));
      if (bundles_made < o.max_bundles) {
        ++bundles_made;
        BundleSpec spec{fmt::format("{}/seed-{}", o.out_dir, seed), seed_command(o, seed), o.criteria, r.verdict,
                        fmt::format("seed {} (--sched {}) of {}", seed, o.sched, o.image), o.timeout};
        std::filesystem::create_directories(spec.dir);
        const uint64_t id = kBundleJob | f->id;
        pool.submit(bundle_job(spec, id), /*first=*/true);  // bundles come before the seeds still queued
        bundles.emplace(id, std::move(spec));
      }
    } else if (o.verbose) {
      progress.println(fmt::format("seed {}: ok", seed));
    }
    results.push_back(std::move(r));
    if (o.stop_after && failed >= o.stop_after && !stopped) {
      stopped = true;
      // No new seeds: the queued seed runs are dropped, the running ones and the bundles finish.
      pool.drop_queued([](const Job& j) { return !(j.id & kBundleJob); });
      progress.println(fmt::format("search: stopping after {} failures (--stop-after)", failed));
    }
    progress.update(results.size(), failed);
  }
  progress.finish();
  std::sort(results.begin(), results.end(), [](const SeedResult& a, const SeedResult& b) { return a.seed < b.seed; });
  const std::string image_name = std::filesystem::path(o.image).filename().string();
  const std::string shard = o.shard.count > 1 ? fmt::format(" (shard {}/{})", o.shard.index, o.shard.count) : "";
  fmt::print("{}", summary(o.sched, o.seeds_text + shard, image_name, seeds.size(), results));
  fmt::print(stderr, "search: {} runs in {:.1f} s with {} jobs: {:.2f} runs/s, {:.3f} s CPU per run\n", results.size(),
             progress.elapsed(), o.jobs, double(results.size()) / std::max(progress.elapsed(), 1e-6),
             results.empty() ? 0.0 : cpu / double(results.size()));
  if (!o.json_path.empty()) {
    std::string text = header_json(o, seeds.size()).dump() + "\n";
    for (const SeedResult& r : results) text += result_json(r).dump() + "\n";
    if (o.json_path == "-") fmt::print("{}", text);
    else if (!write_text(o.json_path, text)) {
      fmt::print(stderr, "chemu: cannot write '{}'\n", o.json_path);
      return 2;
    }
  }
  return failed ? 1 : 0;
}

int merge_shards(const std::vector<std::string>& files, const std::string& json_out) {
  nlohmann::json first;
  std::vector<SeedResult> results;
  std::map<unsigned, std::string> shards_seen;
  unsigned shard_count = 0;
  size_t total = 0;
  for (const std::string& path : files) {
    std::ifstream in(path);
    if (!in) {
      fmt::print(stderr, "chemu: cannot read '{}'\n", path);
      return 2;
    }
    std::string line;
    nlohmann::json head;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) {
        fmt::print(stderr, "chemu: {}:{}: not JSON\n", path, n);
        return 2;
      }
      if (j.contains("chemu_search")) {
        head = j;
        continue;
      }
      if (head.is_null()) {
        fmt::print(stderr, "chemu: {}: no search header line (write it with chemu search --json)\n", path);
        return 2;
      }
      SeedResult r;
      r.seed = j.at("seed").get<uint64_t>();
      r.verdict.kind = j.at("kind").get<std::string>();
      r.verdict.signature = j.at("signature").get<std::string>();
      r.verdict.detail = j.at("detail").get<std::string>();
      r.exit_code = j.at("exit").get<int>();
      results.push_back(std::move(r));
    }
    if (head.is_null()) {
      fmt::print(stderr, "chemu: {}: no search header line\n", path);
      return 2;
    }
    const Shard s = parse_shard(head.at("shard").get<std::string>());
    if (first.is_null()) {
      first = head, shard_count = s.count;
    } else {
      for (const char* key : {"image", "sched", "seeds", "run_args", "criteria"})
        if (head.at(key) != first.at(key)) {
          fmt::print(stderr, "chemu: {} is from another search ({} differs)\n", path, key);
          return 2;
        }
      if (s.count != shard_count) {
        fmt::print(stderr, "chemu: {} is shard {}/{} of another split than {}/{}\n", path, s.index, s.count, 0, shard_count);
        return 2;
      }
    }
    if (!shards_seen.emplace(s.index, path).second) {
      fmt::print(stderr, "chemu: shard {}/{} given twice ({} and {})\n", s.index, s.count, shards_seen[s.index], path);
      return 2;
    }
    total += head.at("seeds_in_shard").get<size_t>();
  }
  if (first.is_null()) {
    fmt::print(stderr, "chemu: --merge needs shard files\n");
    return 2;
  }
  std::sort(results.begin(), results.end(), [](const SeedResult& a, const SeedResult& b) { return a.seed < b.seed; });
  std::string missing;
  for (unsigned i = 0; i < shard_count; ++i)
    if (!shards_seen.count(i)) missing += fmt::format(" {}/{}", i, shard_count);
  fmt::print("{}", summary(first.at("sched").get<std::string>(), first.at("seeds").get<std::string>(), first.at("image").get<std::string>(),
                           total, results));
  if (!missing.empty()) fmt::print(stderr, "chemu: shards missing:{}\n", missing);
  if (!json_out.empty()) {
    nlohmann::json head = first;
    head["shard"] = "0/1";
    head["seeds_in_shard"] = total;
    std::string text = head.dump() + "\n";
    for (const SeedResult& r : results) text += result_json(r).dump() + "\n";
    if (json_out == "-") fmt::print("{}", text);
    else write_text(json_out, text);
  }
  if (!missing.empty()) return 2;
  return std::any_of(results.begin(), results.end(), [](const SeedResult& r) { return r.verdict.failed(); }) ? 1 : 0;
}

}  // namespace chemu::search
