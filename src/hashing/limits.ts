/** Size limits of the hashing engine (a module of their own: the early worker start reads them). */

/** Below both limits the job runs on the calling thread (a worker costs tens of ms to start). */
export const INLINE_MAX_BYTES = 16 * 1024 * 1024;
export const INLINE_MAX_TASKS = 512;
/** Listed files are sent to the workers in batches of this many (their sizes are not known yet). */
export const LISTED_BATCH_FILES = 64;
/** Listed files up to this size are hashed as they are stat'ed; bigger ones come back as tasks to schedule. */
export const LISTED_HASH_MAX_BYTES = 1024 * 1024;
