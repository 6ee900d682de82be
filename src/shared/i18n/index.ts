export { LANGUAGES, DEFAULT_LANG, isLang, type Lang } from './languages';
export { CATALOGUES, translate, translateCount, placeholdersOf, type Catalogue, type MessageKey, type VarsOf } from './catalogue';
export { formatTime, formatDecimal } from './format';
export { translator, type Translator } from './translator';
