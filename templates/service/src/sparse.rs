//! A row serialized with some of its keys left out (a list's sparse `fields`, the keys field
//! rules hide from the caller), written straight to the response: no map of the row is built
//! to take keys out of, which cost a list page more than the rest of its JSON.

use serde::Serialize;
use serde::ser::{Error, Impossible, SerializeStruct, Serializer};

/// `row` with only the keys `keep` lets through, in the row's own order. Only a struct (a
/// resource's model) can be cut so; anything else fails to serialize.
pub struct Sparse<'a, T, K> {
    pub row: &'a T,
    pub keep: K,
}

impl<T: Serialize, K: Fn(&str) -> bool> Serialize for Sparse<'_, T, K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.row.serialize(Keeping {
            inner: serializer,
            keep: &self.keep,
        })
    }
}

/// A serializer that hands a struct's kept fields to `inner` and skips the others.
struct Keeping<'k, S, K> {
    inner: S,
    keep: &'k K,
}

/// The struct being written through [`Keeping`].
struct Kept<'k, S, K> {
    inner: S,
    keep: &'k K,
}

impl<S: SerializeStruct, K: Fn(&str) -> bool> SerializeStruct for Kept<'_, S, K> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), S::Error> {
        if (self.keep)(key) {
            self.inner.serialize_field(key, value)
        } else {
            self.inner.skip_field(key)
        }
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

fn not_a_struct<E: Error>() -> E {
    E::custom("only a struct's keys can be left out")
}

impl<'k, S: Serializer, K: Fn(&str) -> bool> Serializer for Keeping<'k, S, K> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = Kept<'k, S::SerializeStruct, K>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct, S::Error> {
        // `len` stays the row's whole count: it is a hint, and serde_json writes `{}` at
        // once for a struct of none.
        Ok(Kept {
            inner: self.inner.serialize_struct(name, len)?,
            keep: self.keep,
        })
    }

    fn serialize_bool(self, _: bool) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_i8(self, _: i8) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_i16(self, _: i16) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_i32(self, _: i32) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_i64(self, _: i64) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_u8(self, _: u8) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_u16(self, _: u16) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_u32(self, _: u32) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_u64(self, _: u64) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_f32(self, _: f32) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_f64(self, _: f64) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_char(self, _: char) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_str(self, _: &str) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_some<V: Serialize + ?Sized>(self, _: &V) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_newtype_struct<V: Serialize + ?Sized>(self, _: &'static str, _: &V) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_newtype_variant<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<S::Ok, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Err(not_a_struct())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(not_a_struct())
    }
}

