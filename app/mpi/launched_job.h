#pragma once
// The job codescope-cli was started in: the ranks of an MPI launcher (mpirun, mpiexec, srun), or this process alone.
// No MPI type here: mpi.h stays inside launched_job.cpp.
#include <memory>

#include "core/distributed/communicator.h"

namespace codescope::mpi {

/// Processes the launcher's environment says it started: OMPI_COMM_WORLD_SIZE (Open MPI's mpirun), PMI_SIZE (MPICH's
/// mpiexec, srun --mpi=pmi2), SLURM_STEP_NUM_TASKS (srun); 1 when none says more.
int launchedProcesses();

/// The ranks of this job. When launchedProcesses() > 1, MPI is initialised here and its world returned (finalised
/// when the object is destroyed); otherwise this process alone and MPI is never touched, so a plain run behaves
/// exactly as a build without MPI. Throws InputError when several processes were launched but this codescope-cli
/// was built without MPI (each would run the whole job and write the same files).
std::unique_ptr<distributed::Communicator> joinLaunchedJob();

/// After an error this rank did not agree on with the others (distributed::agree): waits up to `seconds` for every
/// rank to arrive here too (an error every rank meets, e.g. a bad option, then ends the job cleanly), else ends every
/// rank with `exitCode` (MPI_Abort), so that none waits forever in a collective for this one. Does nothing for a
/// process alone.
void settleAfterError(int exitCode, double seconds = 5.0);

} // namespace codescope::mpi
