// Generates (or finds) the cached benchmark data set and prints its path.
//
//   pim_dataset_gen [--divisor=N]
//
// The benchmarks generate it themselves when it is missing; this is for doing it ahead of
// time, or for a scaled-down copy to profile with.
#include <cstdlib>
#include <iostream>

#include "dataset.h"

int main(int argc, char** argv) {
  const auto divisor = pim::bench::TakeFlag(argc, argv, "divisor");
  const pim::bench::DatasetSpec spec = pim::bench::DatasetSpec::Scaled(
      divisor ? static_cast<std::uint32_t>(std::strtoul(divisor->c_str(), nullptr, 10)) : 1);
  const auto path = pim::bench::EnsureDataset(spec);
  if (!path.ok()) {
    std::cerr << path.status() << "\n";
    return 1;
  }
  std::cout << *path << "\n";
  return 0;
}
