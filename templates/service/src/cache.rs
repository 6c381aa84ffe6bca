//! The read cache: single rows by id, cache-aside, each resource with
//! its own TTL. Every write removes the rows it changes, so no read that starts after a write
//! returns the old value. The cache is only ever an optimisation: whatever goes wrong with
//! it, a request reads the database, and the problem is logged and shown in `/health`.
//!
//! Two back ends behind the same methods: this process's memory (moka, bounded by
//! `CACHE_MAX_ENTRIES`), or Redis (`REDIS_URL`) when several instances must see one another's
//! writes.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use moka::{Expiry, sync::Cache as Moka};
use redis::Script;
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

use crate::shared::Shared;

/// Keeps a value only if no removal happened since the read began (KEYS: the entry and the
/// generation; ARGV: the value, its TTL in ms, the generation the read saw).
const PUT: &str = r"
if (redis.call('GET', KEYS[2]) or '0') == ARGV[3] then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 0";

/// Removes an entry and bumps the generation, in one step.
const REMOVE: &str = r"
redis.call('INCR', KEYS[2])
redis.call('DEL', KEYS[1])
return 0";

/// The cache, cheap to clone: clones share the store.
#[derive(Clone)]
pub struct Cache {
    store: Store,
}

#[derive(Clone)]
enum Store {
    /// `CACHE_ENABLED=false`.
    Off,
    Local(Local),
    Shared(Shared),
}

#[derive(Clone)]
struct Local {
    entries: Moka<Key, Entry>,
    /// Bumped by every removal. A read that fetched from the database while it changed does
    /// not keep what it fetched, which may predate the write.
    generation: Arc<AtomicU64>,
}

/// A cached row: the typed value itself, so a hit costs no parsing (Redis keeps JSON).
#[derive(Clone)]
struct Entry {
    row: Arc<dyn Any + Send + Sync>,
    ttl: Duration,
}

/// Each entry lives for its resource's TTL.
struct PerEntryTtl;

impl Expiry<Key, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _key: &Key, entry: &Entry, _at: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// Where a row is cached: its table and id. A lookup in this process builds no string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub table: &'static str,
    pub id: Uuid,
}

/// `table:id`, the entry's name in Redis (under the service's prefix) and in log lines.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.table, self.id)
    }
}

/// What a lookup saw, for the `put` that follows a miss.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(Option<u64>);

/// The cache's state for `/health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Off,
    Up,
    Down,
}

impl Cache {
    pub fn in_process(max_entries: u64) -> Self {
        let entries = Moka::builder()
            .max_capacity(max_entries)
            .expire_after(PerEntryTtl)
            .support_invalidation_closures()
            .build();
        Self {
            store: Store::Local(Local {
                entries,
                generation: Arc::default(),
            }),
        }
    }

    pub fn shared(shared: Shared) -> Self {
        Self {
            store: Store::Shared(shared),
        }
    }

    pub fn off() -> Self {
        Self { store: Store::Off }
    }

    /// How many rows this process holds (for `/metrics`; 0 with Redis, which counts its own).
    pub fn entries(&self) -> u64 {
        match &self.store {
            Store::Local(local) => local.entries.entry_count(),
            Store::Off | Store::Shared(_) => 0,
        }
    }

    pub async fn status(&self) -> Status {
        match &self.store {
            Store::Off => Status::Off,
            Store::Local(_) => Status::Up,
            Store::Shared(shared) => match shared.ping().await {
                Ok(()) => Status::Up,
                Err(err) => {
                    tracing::warn!(error = %err, "the cache (Redis) is down");
                    Status::Down
                }
            },
        }
    }

    /// The row cached at `key`, if any, and a ticket for the `put` after a miss.
    #[tracing::instrument(target = "otel", name = "cache.get", skip_all)]
    async fn get<V>(&self, key: Key) -> (Option<Arc<V>>, Ticket)
    where
        V: DeserializeOwned + Send + Sync + 'static,
    {
        let (found, ticket) = match &self.store {
            Store::Off => return (None, Ticket(None)),
            Store::Local(local) => {
                let ticket = Ticket(Some(local.generation.load(Ordering::Acquire)));
                let found = local.entries.get(&key).map(|entry| entry.row.downcast::<V>());
                match found {
                    Some(Ok(row)) => (Some(row), ticket),
                    // Another type under the same key cannot happen (a table has one row
                    // type); should it, the entry is only missed.
                    Some(Err(_)) | None => (None, ticket),
                }
            }
            Store::Shared(shared) => {
                let keys = [Shared::key(&format!("cache:{key}")), generation_key()];
                let found: Result<(Option<Vec<u8>>, Option<u64>), _> = redis::cmd("MGET")
                    .arg(&keys)
                    .query_async(&mut shared.connection())
                    .await;
                let (json, generation) = match found {
                    Ok(found) => found,
                    Err(err) => {
                        tracing::warn!(error = %err, %key, "cache read failed; reading the database");
                        return (None, Ticket(None));
                    }
                };
                let ticket = Ticket(Some(generation.unwrap_or(0)));
                match json.map(|json| serde_json::from_slice(&json)) {
                    None => (None, ticket),
                    Some(Ok(row)) => (Some(Arc::new(row)), ticket),
                    Some(Err(err)) => {
                        tracing::warn!(error = %err, %key, "unreadable cache entry; reading the database");
                        self.remove(key).await;
                        return (None, Ticket(None));
                    }
                }
            }
        };
        let result = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!("cache_requests_total", "result" => result).increment(1);
        (found, ticket)
    }

    /// Cache-aside: the row at `key`; on a miss, what `load` gives is kept for `ttl`. `load`
    /// is not polled on a hit, so it costs nothing then. The row comes back shared: a hit
    /// copies nothing.
    pub async fn read_through<V, E>(
        &self,
        key: Key,
        ttl: Duration,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E>
    where
        V: Serialize + DeserializeOwned + Send + Sync + 'static,
    {
        let (hit, ticket) = self.get(key).await;
        if let Some(found) = hit {
            return Ok(found);
        }
        let row = Arc::new(load.await?);
        self.put(key, &row, ttl, ticket).await;
        Ok(row)
    }

    /// Keeps `row` for `ttl`, unless a write removed anything since the lookup that gave
    /// `ticket` (the row may then be older than the write).
    #[tracing::instrument(target = "otel", name = "cache.set", skip_all)]
    async fn put<V>(&self, key: Key, row: &Arc<V>, ttl: Duration, ticket: Ticket)
    where
        V: Serialize + Send + Sync + 'static,
    {
        let Ticket(Some(since)) = ticket else {
            return;
        };
        if ttl.is_zero() {
            return;
        }
        match &self.store {
            Store::Off => {}
            Store::Local(local) => {
                if local.generation.load(Ordering::Acquire) != since {
                    return;
                }
                let row: Arc<dyn Any + Send + Sync> = row.clone();
                local.entries.insert(key, Entry { row, ttl });
                // A write that slipped in between the check and the insert: drop what was kept.
                if local.generation.load(Ordering::Acquire) != since {
                    local.entries.invalidate(&key);
                }
            }
            Store::Shared(shared) => {
                let json = match serde_json::to_vec(&**row) {
                    Ok(json) => json,
                    Err(err) => {
                        tracing::warn!(error = %err, %key, "cannot cache a row");
                        return;
                    }
                };
                let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
                let stored: Result<i64, _> = Script::new(PUT)
                    .key(Shared::key(&format!("cache:{key}")))
                    .key(generation_key())
                    .arg(json)
                    .arg(millis)
                    .arg(since)
                    .invoke_async(&mut shared.connection())
                    .await;
                if let Err(err) = stored {
                    tracing::warn!(error = %err, %key, "cache write failed");
                }
            }
        }
    }

    /// Forgets one row, after a write that changed it.
    #[tracing::instrument(target = "otel", name = "cache.remove", skip_all)]
    pub async fn remove(&self, key: Key) {
        match &self.store {
            Store::Off => {}
            Store::Local(local) => {
                local.generation.fetch_add(1, Ordering::AcqRel);
                local.entries.invalidate(&key);
            }
            Store::Shared(shared) => {
                let removed: Result<i64, _> = Script::new(REMOVE)
                    .key(Shared::key(&format!("cache:{key}")))
                    .key(generation_key())
                    .invoke_async(&mut shared.connection())
                    .await;
                if let Err(err) = removed {
                    // The entry lives on until its TTL: say so loudly.
                    tracing::error!(error = %err, %key, "cache removal failed");
                }
            }
        }
    }

    /// Forgets every row of a table, after a write that changed rows it cannot name, such as
    /// a delete that cascades to children.
    #[tracing::instrument(target = "otel", name = "cache.remove_table", skip_all)]
    pub async fn remove_table(&self, table: &'static str) {
        match &self.store {
            Store::Off => {}
            Store::Local(local) => {
                local.generation.fetch_add(1, Ordering::AcqRel);
                let removed = local
                    .entries
                    .invalidate_entries_if(move |key, _| key.table == table);
                if removed.is_err() {
                    local.entries.invalidate_all();
                }
            }
            Store::Shared(shared) => {
                if let Err(err) = remove_shared_table(shared, table).await {
                    tracing::error!(error = %err, table, "cache removal failed");
                }
            }
        }
    }
}

fn generation_key() -> String {
    Shared::key("cache:generation")
}

/// Bumps the generation (so reads in flight keep nothing), then deletes the table's keys.
async fn remove_shared_table(shared: &Shared, table: &str) -> Result<(), redis::RedisError> {
    let mut connection = shared.connection();
    redis::cmd("INCR")
        .arg(generation_key())
        .query_async::<i64>(&mut connection)
        .await?;
    let pattern = Shared::key(&format!("cache:{table}:*"));
    let mut cursor = 0u64;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(500)
            .query_async(&mut connection)
            .await?;
        if !keys.is_empty() {
            redis::cmd("UNLINK")
                .arg(&keys)
                .query_async::<i64>(&mut connection)
                .await?;
        }
        if next == 0 {
            return Ok(());
        }
        cursor = next;
    }
}
