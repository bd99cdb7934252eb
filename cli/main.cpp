// chemu: the command-line front end. Parses options, builds a Machine, runs it, maps the outcome to
// an exit code: the guest's own status (1 past 0-255), 2 for bad input, 3 for guest misbehaviour, 4 for
// a limit, 5 for a reset request, 6 for an output file that cannot be written.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/output_file.h"
#include "cli/subcommands.h"
#include "cli/validators.h"
#include "cpu/unicorn_compat.h"
#include "gdb/gdb_stub.h"
#include "machine/bounded_read.h"
#include "machine/machine.h"
#include "machine/png.h"
#include "sched/schedule_file.h"
#include "search/end_state.h"
#include "trace/perfetto_sink.h"

namespace {

namespace cli = chemu::cli;

constexpr int kExitUsage = 2;
constexpr uint64_t kMaxQuantum = uint64_t(1) << 40;
// --max-time in cycles must fit in 64 bits: 2^64 cycles at 1.2 GHz is 487 years.
constexpr double kMaxSeconds = 1e10;

// The image `chemu` boots when none is named: the shipped kernel, else the demo guest.
std::string default_image() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path bin = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (const char* rel : {"../guest/kernel.img", "../guests/uart_hello.elf"})
    if (fs::exists(bin / rel, ec)) return fs::weakly_canonical(bin / rel, ec).string();
  return "build/guest/kernel.img";
}

// The UART input is held in memory for the whole run; a schedule file is read whole before it.
constexpr uint64_t kMaxInputBytes = 16 << 20;
constexpr uint64_t kMaxScheduleBytes = 256 << 20;

// `path` whole ('-': stdin), or an InputError naming the option and its limit.
std::string read_option_file(const std::string& option, const std::string& path, uint64_t limit) {
  const std::string what = option + " file";
  std::optional<std::string> bytes = path == "-" ? chemu::read_bounded_stdin(limit, what) : chemu::read_bounded(path, limit, what);
  if (!bytes) throw chemu::InputError(fmt::format("{} '{}' is larger than {}'s limit of {} bytes", what, path, option, limit));
  return std::move(*bytes);
}

int fail(const std::string& what) {
  fmt::print(stderr, "chemu: {}\n", what);
  return kExitUsage;
}

struct Options {
  std::string dtb, initrd;
  std::optional<std::string> append;
  std::string image, boot = "auto", sched = "rr", trace, trace_events, perfetto, schedule_out, schedule_in, input, screenshot, report;
  double max_time = 0;
  bool trace_hash = false, verbose = false, no_spin_skip = false;
  int gdb_port = -1;  // -1: no gdb stub
  bool gdb_1234 = false, gdb_wait = false;
  uint64_t snapshot_interval = chemu::gdb::GdbStub::kDefaultSnapshotInterval;
  chemu::MachineConfig config;
};

void add_options(CLI::App& app, Options& o) {
  chemu::MachineConfig& config = o.config;
  app.add_option("image", o.image, "kernel image: AArch64 ELF or raw binary loaded at 0x80000 (default: the shipped kernel)");
  app.add_option("--boot", o.boot, "how cores 1-3 start: auto (all for ELF, spin-table for raw), spin-table, all")
      ->check(CLI::IsMember({"auto", "spin-table", "all"}));
  app.add_option("--entry-el", config.entry_el, "exception level the cores start at: 3 (default for ELF, as QEMU), 2 (default for raw images), or 1")
      ->check(cli::whole_number(1, 3));
  app.add_option("--quantum", config.quantum, "instructions per round-robin slice")->check(cli::whole_number(1, kMaxQuantum));
  app.add_option("--sched", o.sched, "interleaving policy: rr (fixed quantum, in turn), random (seeded), pct (seeded priorities), "
                 "pct-comm (pct with change points at communication events)")
      ->check(CLI::IsMember({"rr", "random", "pct", "pct-comm"}));
  app.add_option("--seed", config.seed, "seed for --sched random/pct: another seed, another interleaving")
      ->check(cli::whole_number(0, UINT64_MAX));
  app.add_option("--pct-depth", config.pct_depth, "PCT bug depth d (d-1 priority change points)")->check(cli::whole_number(1, 64));
  app.add_option("--pct-steps", config.pct_steps, "PCT: number of slices (pct-comm: communication events) the change points are drawn from")
      ->check(cli::whole_number(1, kMaxQuantum));
  app.add_option("--schedule-out", o.schedule_out, "write the schedule that ran (core, start cycle, instructions per slice) to FILE");
  app.add_option("--schedule-in", o.schedule_in, "replay a schedule written by --schedule-out (for this image, input and options)")
      ->check(CLI::ExistingFile);
  app.add_option("--max-instructions", config.max_instructions, "stop (exit code 4) after exactly this many instructions in all")
      ->check(cli::whole_number(1, UINT64_MAX));
  app.add_option("--max-time", o.max_time, "stop (exit code 4) once virtual time reaches SECONDS (the cores' clock, 1.2 GHz)")
      ->check(cli::seconds(kMaxSeconds));
  app.add_option("--until-line", config.until_line, "end the run (exit 0) once a console line contains TEXT");
  app.add_flag("--strict-mmio", config.strict_mmio, "end the run (exit 3) at the first access to a peripheral address no device models (default: it reads 0, writes are ignored, one warning per address)");
  app.add_option("--dtb", o.dtb, "device tree blob for an arm64 Linux Image: placed in RAM, patched (memory, bootargs, initrd), its address in x0");
  app.add_option("--initrd", o.initrd, "initial RAM disk for an arm64 Linux Image (needs --dtb)");
  app.add_option("--append", o.append, "Linux kernel command line, written to /chosen/bootargs (needs --dtb)");
  app.add_option("--input", o.input, "bytes the UART receives, read whole before the run ('-' for stdin; at most 16 MiB)");
  app.add_option("--trace", o.trace, "write the event trace as text to FILE ('-' for stdout)");
  app.add_option("--trace-events", o.trace_events, "keep only these event kinds in --trace and --perfetto (comma-separated, e.g. syscall,syscall-return,thread-switch)");
  app.add_option("--perfetto", o.perfetto, "write a Chrome/Perfetto JSON timeline (a track per core) to FILE");
  app.add_option("--screenshot", o.screenshot, "at exit, write what the framebuffer shows to FILE as a PNG");
  app.add_flag("--trace-hash", o.trace_hash, "print the 64-bit hash of the event stream on stderr at exit");
  app.add_flag("--no-spin-skip", o.no_spin_skip, "run every spin loop iteration (the run is the same either way; for comparison)");
  app.add_flag("-v,--verbose", o.verbose, "log more on stderr");
  app.add_option("--gdb", o.gdb_port, "serve gdb's remote protocol on 127.0.0.1:PORT (0: any free port, printed on stderr)")
      ->check(cli::whole_number(0, 65535));
  app.add_flag("-s", o.gdb_1234, "--gdb 1234 (as QEMU)");
  app.add_flag("-S", o.gdb_wait, "wait for gdb before the first instruction (as QEMU; on port 1234 unless --gdb says otherwise)");
  app.add_option("--snapshot-interval", o.snapshot_interval,
                 "with gdb: a machine snapshot every N instructions, for reverse execution (0: none)")
      ->check(cli::whole_number(0, 1ull << 40));
  app.add_option("--report", o.report, "at exit, write each core's state, symbolized PC and the code around it (disassembled) to FILE");
}

// The recorded seed, boot mode and entry EL shape the machine a schedule steers: a replay takes them
// from the file, and refuses a command line that asks for others.
void adopt_recorded_options(const CLI::App& app, const chemu::ScheduleHeader& h, Options& o) {
  const auto conflict = [&](const std::string& option, const auto& recorded, const auto& given) {
    if (app.count(option) && recorded != given)
      throw chemu::InputError(fmt::format("{} was recorded with {} {}, not {} {}", o.schedule_in, option, recorded, option, given));
  };
  conflict("--seed", h.seed, o.config.seed);
  conflict("--boot", h.boot, o.boot);
  conflict("--entry-el", h.entry_el, o.config.entry_el);
  o.config.seed = h.seed, o.boot = h.boot, o.config.entry_el = h.entry_el;
}

// The header of the schedule this run records: what a replay must run to follow it.
chemu::ScheduleHeader recorded_for(const Options& o, uint64_t image_hash, uint64_t input_hash) {
  return {image_hash, input_hash, o.config.seed, o.boot, o.config.entry_el};
}

// A schedule is only for the image and input it was recorded with; another program would be steered
// blind (the start-cycle check would stop it, but later and with a vaguer reason).
void check_recorded_for(const chemu::ScheduleHeader& h, const Options& o, uint64_t image_hash, uint64_t input_hash) {
  if (h.image_hash != image_hash)
    throw chemu::InputError(fmt::format("{} was recorded for another image (hash {:016x}; {} hashes to {:016x})", o.schedule_in,
                                        h.image_hash, o.image, image_hash));
  if (h.input_hash != input_hash)
    throw chemu::InputError(fmt::format("{} was recorded with another --input (hash {:016x}; this one hashes to {:016x})",
                                        o.schedule_in, h.input_hash, input_hash));
}

chemu::Schedule read_schedule(const std::string& path) {
  const std::string text = read_option_file("--schedule-in", path, kMaxScheduleBytes);
  try {
    return chemu::parse_schedule(text);
  } catch (const chemu::ScheduleMismatch& e) {
    throw chemu::InputError(fmt::format("{}: {}", path, e.what()));
  }
}

void configure(Options& o) {
  chemu::MachineConfig& config = o.config;
  config.boot = o.boot == "all" ? chemu::BootMode::All : o.boot == "spin-table" ? chemu::BootMode::SpinTable : chemu::BootMode::Auto;
  config.sched = o.sched == "random" ? chemu::SchedPolicy::Random
                 : o.sched == "pct"    ? chemu::SchedPolicy::Pct
                 : o.sched == "pct-comm" ? chemu::SchedPolicy::PctComm
                                         : chemu::SchedPolicy::RoundRobin;
  config.record_schedule = !o.schedule_out.empty();
  config.spin_skip = !o.no_spin_skip;
  if (o.image.empty()) o.image = default_image();
  // Rounded up: a time shorter than a cycle still stops the run (0 would mean no limit).
  if (o.max_time > 0) config.max_cycles = uint64_t(std::ceil(o.max_time * double(chemu::GenericTimer::kCpuHz)));
}

// The device tree has at most 2 MiB (Linux's limit); an initrd at most RAM's size.
constexpr uint64_t kMaxDtbBytes = 2 << 20;

// --dtb, --initrd, --append read into the config; the initrd and command line reach Linux only
// through the device tree.
void read_linux_boot_files(Options& o) {
  chemu::LinuxBootFiles& f = o.config.linux_boot;
  if (o.dtb.empty() && (!o.initrd.empty() || o.append)) throw chemu::InputError("--initrd and --append need --dtb: Linux finds them in the device tree");
  if (!o.dtb.empty()) {
    f.dtb = read_option_file("--dtb", o.dtb, kMaxDtbBytes);
    if (f.dtb.empty()) throw chemu::InputError(fmt::format("--dtb file '{}' is empty", o.dtb));
  }
  if (!o.initrd.empty()) f.initrd = read_option_file("--initrd", o.initrd, chemu::GuestRam::size());
  f.bootargs = o.append;
}

// What the run leaves behind once it has ended: the schedule, the core report and the screenshot.
void write_outputs(chemu::Machine& machine, const chemu::ScheduleHeader& header, cli::OutputFile& schedule,
                   cli::OutputFile& report, cli::OutputFile& screenshot) {
  if (report) {
    report.write(chemu::search::describe_cores(machine));
    report.close();
  }
  if (schedule) {
    schedule.write(chemu::format_schedule({header, machine.schedule()}));
    schedule.close();
  }
  if (screenshot) {
    if (const std::string err = chemu::write_png(screenshot.get(), machine.screenshot()); !err.empty())
      throw cli::OutputError(fmt::format("{}: {}", screenshot.name(), err));
    screenshot.close();
  }
}

// The event kinds --trace-events keeps (all when it is not given); an unknown kind is bad input.
chemu::KindMask trace_kinds(const std::string& list) {
  if (list.empty()) return chemu::kAllKinds;
  std::string bad;
  if (const auto kinds = chemu::parse_kinds(list, &bad)) return *kinds;
  std::string known;
  for (unsigned i = 0; i < chemu::kEventKinds; ++i) known += fmt::format("{}{}", i ? ", " : "", chemu::event_kind_name(chemu::EventKind(i)));
  throw chemu::InputError(fmt::format("--trace-events: unknown kind '{}' (kinds: {})", bad, known));
}

// The gdb stub (--gdb, -s, -S), attached to the machine before the run, or none.
std::unique_ptr<chemu::gdb::GdbStub> start_gdb(Options& o, chemu::Machine& machine) {
  if ((o.gdb_1234 || o.gdb_wait) && o.gdb_port < 0) o.gdb_port = 1234;
  if (o.gdb_port < 0) return nullptr;
  std::unique_ptr<chemu::gdb::GdbStub> gdb;
  try {
    gdb = std::make_unique<chemu::gdb::GdbStub>(machine, o.gdb_port, o.gdb_wait, o.snapshot_interval);
  } catch (const std::runtime_error& e) {
    throw chemu::InputError(e.what());
  }
  fmt::print(stderr, "chemu: gdb: listening on port {}{}\n", gdb->port(), o.gdb_wait ? ", waiting for gdb before the first instruction" : "");
  machine.set_debugger(gdb.get());
  return gdb;
}

int run(Options& o, const std::optional<chemu::ScheduleHeader>& replay) {
  const chemu::KindMask kinds = trace_kinds(o.trace_events);
  cli::OutputFile trace("--trace", o.trace), perfetto("--perfetto", o.perfetto), schedule("--schedule-out", o.schedule_out),
      screenshot("--screenshot", o.screenshot), report("--report", o.report);
  const std::string input = o.input.empty() ? "" : read_option_file("--input", o.input, kMaxInputBytes);
  read_linux_boot_files(o);
  chemu::Machine machine(o.config);
  if (o.trace_hash) machine.tracer().enable_hash();
  if (trace) machine.tracer().add_sink(std::make_unique<chemu::TextTraceSink>(trace.release(), trace.name()), kinds);
  if (perfetto) machine.tracer().add_sink(std::make_unique<chemu::PerfettoSink>(perfetto.release(), perfetto.name()), kinds);
  machine.console().feed_input(input);
  machine.load(o.image);
  if (replay) check_recorded_for(*replay, o, machine.image_hash(), chemu::fnv1a64(input));
  const std::unique_ptr<chemu::gdb::GdbStub> gdb = start_gdb(o, machine);
  const chemu::RunResult r = machine.run();
  if (o.verbose)
    fmt::print(stderr, "chemu: {} instructions, {} of them charged without running (spinning at a fixed point)\n",
               machine.total_instructions(), machine.skipped_instructions());
  if (o.verbose && o.config.sched == chemu::SchedPolicy::PctComm)
    fmt::print(stderr, "chemu: {} communication events (pct-comm's steps)\n", machine.communications());
  if (!r.message.empty()) fmt::print(stderr, "chemu: {}\n", r.message);
  if (o.trace_hash) fmt::print(stderr, "trace-hash: {:016x}\n", machine.tracer().hash());
  write_outputs(machine, recorded_for(o, machine.image_hash(), chemu::fnv1a64(input)), schedule, report, screenshot);
  return r.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string sub = argc > 1 ? argv[1] : "";  // chemu [run] IMAGE, chemu search, chemu shrink
  if (sub == "search") return chemu::cli::search_main(argc - 1, argv + 1);
  if (sub == "shrink") return chemu::cli::shrink_main(argc - 1, argv + 1);
  if (sub == "run") argv[1] = argv[0], --argc, ++argv;
  return chemu::cli::run_main(argc, argv);
}

int chemu::cli::run_main(int argc, char** argv) {
  CLI::App app{"chemu: a deterministic 4-core Raspberry Pi 3 (Cortex-A53) emulator"};
  Options o;
  add_options(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    return fail(msg + " (see --help)");
  }
  // Warnings go to stderr: stdout is the guest's console (spdlog's default logger writes to stdout).
  spdlog::set_default_logger(spdlog::stderr_color_st("chemu"));
  spdlog::set_level(o.verbose ? spdlog::level::debug : spdlog::level::warn);
  spdlog::set_pattern("chemu: %v");
  try {
    std::optional<chemu::ScheduleHeader> replay;
    if (!o.schedule_in.empty()) {
      chemu::Schedule s = read_schedule(o.schedule_in);
      adopt_recorded_options(app, s.header, o);
      replay = s.header;
      o.config.replay = std::move(s.slices);
      o.config.replay_lenient = s.lenient;
    }
    configure(o);
    return run(o, replay);
  } catch (const chemu::ImageError& e) {
    return fail(e.what());
  } catch (const chemu::InputError& e) {
    return fail(e.what());
  } catch (const cli::OutputError& e) {
    fmt::print(stderr, "chemu: {}\n", e.what());
    return chemu::kExitOutputError;
  } catch (const chemu::ucx::UnicornMismatch& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(fmt::format("internal error: {}", e.what()));
  }
}
