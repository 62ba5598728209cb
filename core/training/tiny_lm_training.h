#pragma once
// Training the tiny byte-level LM (models/tiny_lm.h) on a UTF-8 text: bytes are tokens, the first 90% of the text
// trains, the last 10% validates. No LibTorch type appears here, so the CLI and the GUI include it without torch.
//
// A run folder OUT/ holds, once training finished (nothing before: the folder is written under a temporary name and
// renamed into place, so a cancelled or crashed run leaves no half-written OUT):
//   manifest.json   {"format": "codescope-lm-run/1", "model": "tiny-lm", "model_config", the options, the corpus,
//                    "finished": true, the loss history (train and validation, nats per byte) ...}
//   model.pt        the trained state_dict in torch.save's format
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/job_control.h"

namespace codescope::training {

/// "tiny-lm": the model's name on the CLI and in run manifests (models::kTinyLmModelName, without torch headers).
std::string tinyLmModelName();

/// The texts of the default corpus: licence texts every Debian system has (package base-files), ~114 kB of English.
std::vector<std::string> defaultCorpusFiles();

/// The bytes of the files, concatenated (a blank line between files). Throws InputError naming a missing or
/// unreadable file, or when the whole text is shorter than 1000 bytes (not enough for a train/validation split).
std::string readCorpus(const std::vector<std::string>& files);

/// One tiny-lm training run. The defaults take a few minutes on two CPU cores (about 0.1-0.2 s per step).
struct TinyLmTrainOptions {
    std::vector<std::string> textFiles; ///< UTF-8 text; empty = defaultCorpusFiles()
    std::int64_t contextLength = 64;    ///< T (the model's context)
    std::int64_t dModel = 64;
    std::int64_t heads = 4;
    std::int64_t blocks = 4;
    std::int64_t steps = 1200;    ///< AdamW steps (validation loss stops falling near 1000 on the default corpus)
    std::int64_t batchSize = 32;  ///< random windows of T + 1 bytes per step
    double learningRate = 3e-3;   ///< AdamW, linear warm-up over the first 5% of steps, then cosine to 10%
    double weightDecay = 0.01;    ///< AdamW
    std::int64_t evalEvery = 100; ///< steps between loss evaluations (the history in the manifest)
    std::int64_t evalBatches = 8; ///< batches of random validation windows per evaluation
    std::uint64_t seed = 0;       ///< initial weights and the windows drawn
    int threads = 0;              ///< LibTorch intra-op threads; 0 = LibTorch's default
};

/// Throws InputError for an option out of range.
void validateOptions(const TinyLmTrainOptions& options);

/// Reported after every step.
struct TinyLmProgress {
    double fraction = 0;   ///< steps done / steps
    std::int64_t step = 0; ///< steps done
    std::int64_t steps = 0;
    double trainLoss = 0;      ///< mean training loss (nats per byte) of the steps since the last evaluation
    double secondsPerStep = 0; ///< mean over the steps so far
};
using TinyLmProgressCallback = std::function<void(const TinyLmProgress&)>;

/// One loss evaluation.
struct TinyLmLossRecord {
    std::int64_t step = 0;     ///< steps done when measured (0: the untrained model)
    double trainLoss = 0;      ///< mean training loss of the steps since the previous record (step 0: on train windows)
    double validationLoss = 0; ///< on random validation windows, eval mode, nats per byte
};

struct TinyLmRunSummary {
    std::string directory;
    std::vector<TinyLmLossRecord> history; ///< step 0, every evalEvery steps, and the last step
    double seconds = 0;                    ///< training wall time, evaluations included
    std::int64_t trainBytes = 0, validationBytes = 0;
};

/// Trains a tiny LM on `text` (bytes) and writes the run folder `outDir` (see the file comment). Loss: mean
/// next-byte cross-entropy in nats. Throws InputError (bad options, text too short for a window in each split,
/// outDir exists and is not an empty folder, an unwritable folder) and Cancelled (nothing is written then).
/// `corpusNames` is recorded in the manifest.
TinyLmRunSummary trainTinyLmRun(const TinyLmTrainOptions& options, const std::string& text,
                                const std::vector<std::string>& corpusNames, const std::string& outDir,
                                const TinyLmProgressCallback& progress = {}, const CancelToken* cancel = nullptr);

} // namespace codescope::training
