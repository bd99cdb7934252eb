// The subcommands of the one chemu binary besides running an image: `chemu search` and `chemu shrink`
// (cli/search.cpp, cli/shrink.cpp). main() hands them its arguments after the subcommand's name.
#pragma once

namespace chemu::cli {

int run_main(int argc, char** argv);  // `chemu [run] IMAGE`: one run (argv[0] is the program)
int search_main(int argc, char** argv);
int shrink_main(int argc, char** argv);

}  // namespace chemu::cli
