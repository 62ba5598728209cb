// Silences the warnings that third-party C-style code (stb's single-file libraries) trips under our -Wall -Wextra
// -Werror, for the headers included between this file and third_party_warnings_on.h only. No include guard: each
// use pushes the diagnostic state once, and third_party_warnings_on.h pops it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wtype-limits"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
