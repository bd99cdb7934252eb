// chemu: the command-line front end. Parses options, builds a Machine, runs it, maps the outcome to
// an exit code: the guest's own status, 2 for bad input, 3 for guest misbehaviour, 4 for a limit.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cpu/unicorn_compat.h"
#include "gdb/gdb_stub.h"
#include "machine/machine.h"
#include "machine/png.h"
#include "trace/perfetto_sink.h"

namespace {

constexpr int kExitUsage = 2;

// The image `chemu` boots when none is named: the shipped kernel, else the demo guest.
std::string default_image() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path bin = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (const char* rel : {"../guest/kernel.img", "../guests/uart_hello.elf"})
    if (fs::exists(bin / rel, ec)) return fs::weakly_canonical(bin / rel, ec).string();
  return "build/guest/kernel.img";
}

std::string read_stream(std::istream& in) {
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return read_stream(in);
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return bool(out);
}

int fail(const std::string& what) {
  fmt::print(stderr, "chemu: {}\n", what);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"chemu: a deterministic 4-core Raspberry Pi 3 (Cortex-A53) emulator"};
  std::string image, boot = "auto", sched = "rr", trace_path, perfetto_path, schedule_out, schedule_in, input_path, screenshot_path;
  chemu::MachineConfig config;
  bool trace_hash = false, verbose = false, no_spin_skip = false;
  app.add_option("image", image, "kernel image: AArch64 ELF or raw binary loaded at 0x80000 (default: the shipped kernel)");
  app.add_option("--boot", boot, "how cores 1-3 start: auto (all for ELF, spin-table for raw), spin-table, all")
      ->check(CLI::IsMember({"auto", "spin-table", "all"}));
  app.add_option("--entry-el", config.entry_el, "exception level the cores start at: 3 (default for ELF, as QEMU), 2 (default for raw images), or 1")
      ->check(CLI::Range(1, 3));
  app.add_option("--quantum", config.quantum, "instructions per round-robin slice")->check(CLI::Range(uint64_t(1), uint64_t(1) << 40));
  app.add_option("--sched", sched, "interleaving policy: rr (fixed quantum, in turn), random (seeded), pct (seeded priorities)")
      ->check(CLI::IsMember({"rr", "random", "pct"}));
  app.add_option("--seed", config.seed, "seed for --sched random/pct: another seed, another interleaving");
  app.add_option("--pct-depth", config.pct_depth, "PCT bug depth d (d-1 priority change points)")->check(CLI::Range(1u, 64u));
  app.add_option("--pct-steps", config.pct_steps, "PCT: number of slices the change points are drawn from")->check(CLI::Range(uint64_t(1), uint64_t(1) << 40));
  app.add_option("--schedule-out", schedule_out, "write the schedule that ran (core, start cycle, instructions per slice) to FILE");
  app.add_option("--schedule-in", schedule_in, "replay a schedule written by --schedule-out")->check(CLI::ExistingFile);
  app.add_option("--max-instructions", config.max_instructions, "stop (exit code 4) after this many instructions in all");
  double max_time = 0;
  app.add_option("--max-time", max_time, "stop (exit code 4) once virtual time reaches SECONDS (the cores' clock, 1.2 GHz)")
      ->check(CLI::PositiveNumber);
  app.add_option("--until-line", config.until_line, "end the run (exit 0) once a console line contains TEXT");
  app.add_flag("--strict-mmio", config.strict_mmio, "end the run (exit 3) at the first access to a peripheral address no device models (default: it reads 0, writes are ignored, one warning per address)");
  app.add_option("--input", input_path, "bytes the UART receives, read whole before the run ('-' for stdin)");
  app.add_option("--trace", trace_path, "write the event trace as text to FILE ('-' for stdout)");
  app.add_option("--perfetto", perfetto_path, "write a Chrome/Perfetto JSON timeline (a track per core) to FILE");
  app.add_option("--screenshot", screenshot_path, "at exit, write what the framebuffer shows to FILE as a PNG");
  app.add_flag("--trace-hash", trace_hash, "print the 64-bit hash of the event stream on stderr at exit");
  app.add_flag("--no-spin-skip", no_spin_skip, "run every spin loop iteration (the run is the same either way; for comparison)");
  app.add_flag("-v,--verbose", verbose, "log more on stderr");
  int gdb_port = -1;
  bool gdb_1234 = false, gdb_wait = false;
  app.add_option("--gdb", gdb_port, "serve gdb's remote protocol on 127.0.0.1:PORT (0: any free port, printed on stderr)")
      ->check(CLI::Range(0, 65535));
  app.add_flag("-s", gdb_1234, "--gdb 1234 (as QEMU)");
  app.add_flag("-S", gdb_wait, "wait for gdb before the first instruction (as QEMU; on port 1234 unless --gdb says otherwise)");
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
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
  spdlog::set_pattern("chemu: %v");
  config.boot = boot == "all" ? chemu::BootMode::All : boot == "spin-table" ? chemu::BootMode::SpinTable : chemu::BootMode::Auto;
  config.sched = sched == "random" ? chemu::SchedPolicy::Random : sched == "pct" ? chemu::SchedPolicy::Pct : chemu::SchedPolicy::RoundRobin;
  config.record_schedule = !schedule_out.empty();
  config.spin_skip = !no_spin_skip;
  if (image.empty()) image = default_image();
  config.max_cycles = uint64_t(max_time * double(chemu::GenericTimer::kCpuHz));
  if (!schedule_in.empty()) {
    try {
      config.replay = chemu::parse_schedule(read_file(schedule_in));
    } catch (const std::exception& e) {
      return fail(fmt::format("{}: {}", schedule_in, e.what()));
    }
  }

  try {
    chemu::Machine machine(config);
    if (trace_hash) machine.tracer().enable_hash();
    if (!trace_path.empty()) {
      std::FILE* f = trace_path == "-" ? stdout : std::fopen(trace_path.c_str(), "w");
      if (!f) return fail(fmt::format("cannot write trace file '{}'", trace_path));
      machine.tracer().add_sink(std::make_unique<chemu::TextTraceSink>(f));
    }
    if (!perfetto_path.empty()) {
      std::FILE* f = std::fopen(perfetto_path.c_str(), "w");
      if (!f) return fail(fmt::format("cannot write Perfetto file '{}'", perfetto_path));
      machine.tracer().add_sink(std::make_unique<chemu::PerfettoSink>(f));
    }
    if (!input_path.empty()) {
      if (input_path != "-" && !std::filesystem::exists(input_path)) return fail(fmt::format("cannot read input file '{}'", input_path));
      machine.console().feed_input(input_path == "-" ? read_stream(std::cin) : read_file(input_path));
    }
    machine.load(image);
    if ((gdb_1234 || gdb_wait) && gdb_port < 0) gdb_port = 1234;
    std::unique_ptr<chemu::gdb::GdbStub> gdb;
    if (gdb_port >= 0) {
      try {
        gdb = std::make_unique<chemu::gdb::GdbStub>(machine, gdb_port, gdb_wait);
      } catch (const std::runtime_error& e) {
        return fail(e.what());
      }
      fmt::print(stderr, "chemu: gdb: listening on port {}{}\n", gdb->port(), gdb_wait ? ", waiting for gdb before the first instruction" : "");
      machine.set_debugger(gdb.get());
    }
    const chemu::RunResult r = machine.run();
    if (verbose)
      fmt::print(stderr, "chemu: {} instructions, {} of them charged without running (spinning at a fixed point)\n",
                 machine.total_instructions(), machine.skipped_instructions());
    if (!r.message.empty()) fmt::print(stderr, "chemu: {}\n", r.message);
    if (trace_hash) fmt::print(stderr, "trace-hash: {:016x}\n", machine.tracer().hash());
    if (!schedule_out.empty() && !write_file(schedule_out, chemu::format_schedule(machine.schedule())))
      return fail(fmt::format("cannot write schedule file '{}'", schedule_out));
    if (!screenshot_path.empty())
      if (const std::string err = chemu::write_png(screenshot_path, machine.screenshot()); !err.empty())
        return fail(fmt::format("screenshot: {}", err));
    return r.exit_code;
  } catch (const chemu::ImageError& e) {
    return fail(e.what());
  } catch (const chemu::ucx::UnicornMismatch& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(fmt::format("internal error: {}", e.what()));
  }
}
