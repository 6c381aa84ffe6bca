//! The read cache (CONTRACT.md section 8): single rows by id, cache-aside, each resource with
//! its own TTL. Every write removes the rows it changes, so no read that starts after a write
//! returns the old value. The cache is only ever an optimisation: whatever goes wrong with
//! it, a request reads the database.
//!
//! The back end is this process's memory (moka, bounded by `CACHE_MAX_ENTRIES`); a shared one
//! for several instances takes its place behind the same methods.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use moka::{Expiry, sync::Cache as Store};
use serde::{Serialize, de::DeserializeOwned};

/// The cache, cheap to clone: clones share the store.
#[derive(Clone)]
pub struct Cache {
    /// `None` when caching is turned off (`CACHE_ENABLED=false`).
    store: Option<Store<String, Entry>>,
    /// Bumped by every removal. A read that fetched from the database while it changed does
    /// not keep what it fetched, which may predate the write.
    generation: Arc<AtomicU64>,
}

#[derive(Clone)]
struct Entry {
    json: Arc<[u8]>,
    ttl: Duration,
}

/// Each entry lives for its resource's TTL.
struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, entry: &Entry, _at: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }
}

impl Cache {
    pub fn new(enabled: bool, max_entries: u64) -> Self {
        let store = enabled.then(|| {
            Store::builder()
                .max_capacity(max_entries)
                .expire_after(PerEntryTtl)
                .support_invalidation_closures()
                .build()
        });
        Self {
            store,
            generation: Arc::default(),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.store.is_some()
    }

    /// How many rows are cached (for `/metrics`).
    pub fn entries(&self) -> u64 {
        self.store.as_ref().map_or(0, Store::entry_count)
    }

    /// Call before reading the database; hand the answer to [`Cache::put`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let store = self.store.as_ref()?;
        let found = store.get(key);
        let result = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!("cache_requests_total", "result" => result).increment(1);
        match serde_json::from_slice(&found?.json) {
            Ok(value) => Some(value),
            Err(err) => {
                tracing::warn!(error = %err, key, "unreadable cache entry; reading the database");
                store.invalidate(key);
                None
            }
        }
    }

    /// Keeps `value` for `ttl`, unless a write removed anything since `since` (the value may
    /// then be older than the write).
    pub fn put<T: Serialize>(&self, key: &str, value: &T, ttl: Duration, since: u64) {
        let Some(store) = &self.store else {
            return;
        };
        if ttl.is_zero() || self.generation() != since {
            return;
        }
        let json = match serde_json::to_vec(value) {
            Ok(json) => json,
            Err(err) => {
                tracing::warn!(error = %err, key, "cannot cache a row");
                return;
            }
        };
        let entry = Entry {
            json: json.into(),
            ttl,
        };
        store.insert(key.to_owned(), entry);
        // A write that slipped in between the check and the insert: drop what was kept.
        if self.generation() != since {
            store.invalidate(key);
        }
    }

    /// Forgets one row, after a write that changed it.
    pub fn remove(&self, key: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(store) = &self.store {
            store.invalidate(key);
        }
    }

    /// Forgets every row of a table (`{table}:` keys), after a write that changed rows it
    /// cannot name, such as a delete that cascades to children.
    pub fn remove_table(&self, table: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let Some(store) = &self.store else {
            return;
        };
        let prefix = format!("{table}:");
        if let Err(err) = store.invalidate_entries_if(move |key, _| key.starts_with(&prefix)) {
            // Cannot happen (the store supports it); clearing everything is the safe answer.
            tracing::warn!(error = %err, table, "cannot remove a table's rows; clearing the cache");
            store.invalidate_all();
        }
    }
}
