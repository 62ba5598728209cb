#pragma once
// Where one analysis's wall time went, for benchmarks (bench/peer_bench.py prints it) and the curious.

namespace codescope::results {

/// Wall seconds of an analysis's phases, written under "timings" at the top of its JSON. The layers' own "timings"
/// say what each layer's statistics, eigensolver, fit and bootstrap took; these say where the whole run went.
struct AnalysisTimings {
    double modelLoad = 0;    ///< opening the model (a TorchScript file, or a run's state dict into its architecture)
    double dataPasses = 0;   ///< every pass over the data: reading inputs, the forward passes with their capture
                             ///< hooks, each layer's kept columns and its covariance or kept rows (and the bootstrap's
                             ///< projections on the covariance side)
    double forward = 0;      ///< of dataPasses: the model's forward passes with the capture hooks
    double spectra = 0;      ///< every layer's eigenproblem and fit, solved side by side (wall time, not a sum)
    double bootstrap = 0;    ///< the confidence intervals' resamples (wall time; their projections are in dataPasses)
    double codingRecord = 0; ///< the moving-dot stimulus through the model and every layer's random projections
    double total = 0;        ///< the whole analysis, from opening the model to the last coding record
};

} // namespace codescope::results
