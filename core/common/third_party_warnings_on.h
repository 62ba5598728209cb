// Restores our warnings after third_party_warnings_off.h. No include guard: it pairs with each use of that file.
#pragma GCC diagnostic pop
