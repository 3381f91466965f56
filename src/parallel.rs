//! Work over many arrays, in parallel only when there are several: one array is done on the
//! calling thread, without starting the thread pool (its threads took a small check 6% of its
//! instructions).

use rayon::prelude::*;

/// `f` of each item, in order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    match items {
        [] | [_] => items.iter().map(f).collect(),
        _ => items.par_iter().map(f).collect(),
    }
}

/// `f` on each item, in place.
pub fn for_each_mut<T: Send>(items: &mut [T], f: impl Fn(&mut T) + Sync + Send) {
    match items {
        [] | [_] => items.iter_mut().for_each(f),
        _ => items.par_iter_mut().for_each(f),
    }
}
