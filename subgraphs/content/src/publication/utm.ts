// Moved: the one UTM tagger lives in ../utm/utm-tagger.ts (C10). This module
// re-exports it so existing imports keep working; new code imports from there.
export { tagLinks, tagUrl, utmTagsFor, utmToken, type TaggedLink, type UtmContext, type UtmTags } from '../utm/utm-tagger.ts';
