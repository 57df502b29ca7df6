<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- defacto: QGIS loads this style with the layer of the same name. -->
<qgis version="3.28" styleCategories="Symbology">
 <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">
  <rules key="root">
   <rule key="unplaced" symbol="0" label="some without a place" filter="&quot;unplaced&quot; &gt; 0.000001"/>
   <rule key="beyond" symbol="1" label="placed, some beyond the standard" filter="&quot;unplaced&quot; &lt;= 0.000001 AND &quot;served_share&quot; &lt; 0.999999"/>
   <rule key="within" symbol="2" label="all within the standard" filter="&quot;unplaced&quot; &lt;= 0.000001 AND &quot;served_share&quot; &gt;= 0.999999"/>
  </rules>
  <symbols>
   <symbol type="marker" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="215,25,28,255"/>
      <Option name="name" type="QString" value="circle"/>
      <Option name="size" type="QString" value="1.6"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="1" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="253,174,97,255"/>
      <Option name="name" type="QString" value="circle"/>
      <Option name="size" type="QString" value="1.6"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
   <symbol type="marker" name="2" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="26,150,65,255"/>
      <Option name="name" type="QString" value="circle"/>
      <Option name="size" type="QString" value="1.2"/>
      <Option name="outline_color" type="QString" value="35,35,35,255"/>
      <Option name="outline_width" type="QString" value="0.3"/>
     </Option>
    </layer>
   </symbol>
  </symbols>
 </renderer-v2>
</qgis>
