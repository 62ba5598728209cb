// The one rule for how many inputs go through the model at once, checked by hand: the bytes an input holds and the
// batch that fills a quarter of the budget.
#include <gtest/gtest.h>

#include "core/capture/forward_batch.h"

using namespace codescope;

namespace {

models::LayerInfo layerOf(std::vector<std::int64_t> shape) {
    models::LayerInfo layer;
    layer.shape = std::move(shape);
    return layer;
}

TEST(ForwardBatch, AQuarterOfTheBudgetHoldsOneBatch) {
    const std::vector<models::LayerInfo> discovered = {layerOf({2, 5}), layerOf({20})}; // 30 floats per row
    const std::vector<models::LayerInfo> captured = {layerOf({20})};                    // 20 doubles per row
    // 3 rows per input (a token model's context): 3 x (4 x 30 + 8 x 20) = 840 bytes.
    const capture::ForwardBatch batch = capture::forwardBatch(discovered, captured, 3, 4 * 840 * 5);
    EXPECT_EQ(batch.bytesPerInput, 840);
    EXPECT_EQ(batch.inputs, 5);
    EXPECT_EQ(batch.bytes(), 4200);
    EXPECT_EQ(capture::forwardBatch(discovered, captured, 3, 4 * 840 * 5 - 1).inputs, 4) << "rounds down";
    EXPECT_EQ(capture::forwardBatch(discovered, captured, 1, 4 * 280 * 7).inputs, 7) << "one row per image";
}

TEST(ForwardBatch, StaysBetweenOneAnd256UnlessAsked) {
    const std::vector<models::LayerInfo> layers = {layerOf({64, 8, 8})};
    EXPECT_EQ(capture::forwardBatch(layers, layers, 1, 100).inputs, 1) << "a budget below one input";
    EXPECT_EQ(capture::forwardBatch(layers, layers, 1, std::int64_t(1) << 40).inputs, 256);
    const capture::ForwardBatch asked = capture::forwardBatch(layers, layers, 1, 100, 32);
    EXPECT_EQ(asked.inputs, 32);
    EXPECT_EQ(asked.bytes(), 32 * 12 * 4096);
}

} // namespace
